"""How well the skill understands what people say, measured on labelled utterances.

- `utterances`: the labelled sets (bench/utterances/ in the checkout), each with its split.
- `routing`: what the skill's runtime answers for an intent and its slots, danger first.
- `scores` and `report`: the figures, and the lines and JSON the benchmark and
  `nocontact evaluate` print.
- `alexa`: Alexa's own answer, through SMAPI's Utterance Profiler, paced.

bench/understanding.py scores its own matchers with these; `nocontact evaluate` scores Alexa.
May import skill.runtime (the guidebook and intent names) and skill.smapi; nothing here is
shipped to Lambda.
"""

from __future__ import annotations

import logging

logging.getLogger(__name__).addHandler(logging.NullHandler())


class EvaluationError(Exception):
    """An evaluation could not be finished; the message says how far it got and what to do."""
