"""How people talk to Alexa, as data for the simulator: Amazon's own phrasings of the built-in
intents, and the words around a request that are not the request itself.

Built-in intents come with Amazon's own phrasings, which a model need not list; these are
the common ones. Everything here is normalised (lower case, no punctuation or apostrophes).
"""

from __future__ import annotations

BUILT_IN_SAMPLES: dict[str, tuple[str, ...]] = {
    "AMAZON.HelpIntent": ("help", "help me", "what can i say", "what can you do", "what do i say"),
    "AMAZON.StopIntent": ("stop", "off", "shut up", "exit", "quit", "goodbye", "bye", "stop it"),
    "AMAZON.CancelIntent": ("cancel", "never mind", "nevermind", "forget it", "cancel that"),
    "AMAZON.NavigateHomeIntent": ("go home", "home", "go to the start"),
    "AMAZON.YesIntent": (
        "yes", "yeah", "yep", "yup", "sure", "ok", "okay", "yes please", "please do",
        "go ahead", "of course", "absolutely", "why not",
    ),
    "AMAZON.NoIntent": ("no", "nope", "nah", "no thanks", "no thank you", "not now", "not really"),
    "AMAZON.NextIntent": ("next", "skip", "skip ahead", "next one", "go forward", "go to the next"),
    "AMAZON.PreviousIntent": ("previous", "go back", "back", "previous one", "skip back"),
    "AMAZON.RepeatIntent": ("repeat", "repeat that", "say that again", "again", "come again"),
    "AMAZON.StartOverIntent": ("start over", "restart", "start again", "begin again"),
    "AMAZON.PauseIntent": ("pause", "pause it", "pause that", "hold on", "wait"),
    "AMAZON.ResumeIntent": ("resume", "continue", "unpause", "keep going", "carry on", "play"),
    "AMAZON.LoopOnIntent": ("loop", "loop on", "turn on loop", "loop this"),
    "AMAZON.LoopOffIntent": ("loop off", "stop looping", "turn off loop"),
    "AMAZON.ShuffleOnIntent": ("shuffle", "shuffle on", "turn on shuffle"),
    "AMAZON.ShuffleOffIntent": ("shuffle off", "stop shuffling", "turn off shuffle"),
}

# Hesitations speech recognition leaves out of what it hears.
DISFLUENCIES = frozenset({"um", "umm", "uh", "uhh", "er", "erm", "hmm", "mm"})

# Amazon's ways to name a skill: "ask X to ...", "open X", "... using X".
INVOCATION_PREFIXES = (
    "open", "start", "launch", "begin", "load", "run", "resume", "use", "play", "talk to",
    "ask", "tell",
)
INVOCATION_SUFFIXES = ("using", "with", "from", "on", "in")
CONNECTING_WORDS = frozenset({"to", "for", "about", "and", "that", "if", "whether"})
