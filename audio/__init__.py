"""Narrating the guide into Alexa-ready MP3 clips: speech text, voices, rendering, stores.

Reads content/ and may import it, never the skill: the skill finds the clips through the
manifest.json a build publishes. Importing the package stays light: pydub, piper and boto3
load only in the modules that use them.
"""

from __future__ import annotations

import logging
import warnings

logging.getLogger(__name__).addHandler(logging.NullHandler())

# pydub warns at import when no ffmpeg is on PATH (it never needs one here: audio.ffmpeg runs
# every decode and encode itself), and about the audioop module it needs (audioop-lts replaces
# it on Python 3.13).
warnings.filterwarnings("ignore", message="Couldn't find ffmpeg or avconv", category=RuntimeWarning)
warnings.filterwarnings("ignore", message="'audioop' is deprecated", category=DeprecationWarning)
