"""The Alexa skill, in four rooms; data flows one way, from the bottom up:

- `skill.runtime`: what AWS Lambda runs (handlers, catalog, playback, speech, persistence).
- `skill.exports`: build-time exports from content/ (interaction model, icons, guidebook.json).
- `skill.simulator`: device emulation and utterance resolution, to talk without an Echo.
- `skill.web`: the Flask web service, request verification and the simulator page.
- `skill.preflight`: Amazon's certification checks, run before submitting.
- `skill.smapi`: Amazon's Skill Management API at the edge (validations, Utterance Profiler).
- `skill.evaluation`: how well labelled utterances are understood, by the benchmark's
  matchers or by Alexa itself (the Utterance Profiler).

content/ → (audio/, skill.exports) → skill.runtime; skill.simulator and skill.web on top.
Importing this package stays light, so the Lambda starts fast; see bench/skill.py.
"""

from __future__ import annotations

import logging

logging.getLogger(__name__).addHandler(logging.NullHandler())
