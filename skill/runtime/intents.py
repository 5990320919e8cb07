"""Names shared by the interaction model and the handlers, so the two cannot disagree."""

from __future__ import annotations

TOPIC_SLOT = "topic"
TOPIC_TYPE = "SectionTopic"
# The topic slot's one value that is not a section: danger words, answered with crisis lines.
CRISIS_TOPIC = "crisis"

TOPIC = "TopicIntent"
REFLECT = "ReflectIntent"
GUIDED_REFLECTION = "GuidedReflectionIntent"
CRISIS = "CrisisIntent"
PLAY_GUIDE = "PlayGuideIntent"
CONTINUE_LISTENING = "ContinueListeningIntent"
FORGET_ME = "ForgetMeIntent"
SET_REMINDER = "SetReminderIntent"
LIST_REMINDERS = "ListRemindersIntent"
STOP_REMINDERS = "StopRemindersIntent"
# The reminder's time of day, an AMAZON.TIME slot ("20:00").
TIME_SLOT = "time"
# The permission reminders need, declared in skill.json and asked for by voice.
REMINDERS_SCOPE = "alexa::alerts:reminders:skill:readwrite"
# The custom task a Routine starts: skill-package/tasks/<name>.<version>.json.
REFLECTION_TASK = "StartReflection"
REFLECTION_TASK_VERSION = "1"

HELP = "AMAZON.HelpIntent"
STOP = "AMAZON.StopIntent"
CANCEL = "AMAZON.CancelIntent"
NAVIGATE_HOME = "AMAZON.NavigateHomeIntent"
FALLBACK = "AMAZON.FallbackIntent"
YES = "AMAZON.YesIntent"
NO = "AMAZON.NoIntent"
NEXT = "AMAZON.NextIntent"
PREVIOUS = "AMAZON.PreviousIntent"
REPEAT = "AMAZON.RepeatIntent"
START_OVER = "AMAZON.StartOverIntent"
PAUSE = "AMAZON.PauseIntent"
RESUME = "AMAZON.ResumeIntent"
LOOP_ON = "AMAZON.LoopOnIntent"
LOOP_OFF = "AMAZON.LoopOffIntent"
SHUFFLE_ON = "AMAZON.ShuffleOnIntent"
SHUFFLE_OFF = "AMAZON.ShuffleOffIntent"

BUILT_IN = (
    HELP, STOP, CANCEL, NAVIGATE_HOME, FALLBACK, YES, NO, NEXT, PREVIOUS, REPEAT, START_OVER,
    PAUSE, RESUME, LOOP_ON, LOOP_OFF, SHUFFLE_ON, SHUFFLE_OFF,
)


def section_intent(section_id: str) -> str:
    """The dedicated intent of a section: "guilt-trips" → "GuiltTripsSectionIntent".

    Alexa allows only letters and underscores in intent names, so a digit is refused here
    rather than at deployment.
    """
    words = section_id.split("-")
    if not all(word.isalpha() and word.isascii() for word in words):
        raise ValueError(
            f"section id {section_id!r} needs letters only to name its intent; "
            "spell out any digits in the id"
        )
    return "".join(word.capitalize() for word in words) + "SectionIntent"
