"""The audio package's exceptions: one family, caught at the edge that can explain it."""

from __future__ import annotations


class AudioError(Exception):
    """Something went wrong narrating, rendering or storing audio; the message says what to do."""


class SynthesisError(AudioError):
    """A voice could not turn text into speech."""


class StoreError(AudioError):
    """A store could not read or write a clip or the manifest."""
