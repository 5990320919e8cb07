"""Listening to the clips offline: what each one says, and when it says it.

PocketSphinx (its English model ships inside the wheel: nothing is downloaded) decodes a clip
with a language model built from the guide's own words; the word error rate against the text
the clip should say catches a clip that is cut off, garbled or another section's
(`audio.listening.check`). Forced alignment of the known text gives each sentence's timing,
written as WebVTT captions beside the clip (`audio.listening.captioning`).

Pure modules (`words`, `language_model`, `pronunciations`, `captions`) import nothing heavy;
only `recognizer` imports pocketsphinx, and only when a recognizer is made.
"""
