"""Daily reflection reminders as the Alexa Reminders API takes them (pure: no I/O).

A time of day from an AMAZON.TIME slot ("20:00"), said back as "8 PM", turned into a daily
recurring reminder (`SCHEDULED_ABSOLUTE` with RFC 5545 `recurrenceRules` and the device's time
zone), and read back from the reminders Alexa lists. The skill keeps none of them: they live
with Alexa, and only this skill's own reminders are ever listed to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ask_sdk_model.services.reminder_management import (
    AlertInfo,
    PushNotification,
    PushNotificationStatus,
    Recurrence,
    ReminderRequest,
    SpokenInfo,
    SpokenText,
    Trigger,
    TriggerType,
)

_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::\d{2})?")
_RULE_PART = re.compile(r"BY(HOUR|MINUTE)=(\d{1,2})")
_LOCAL_FORMAT = "%Y-%m-%dT%H:%M:%S.000"
# The AskFor token: which reminder the permission was asked for, returned as it was sent.
_TOKEN_PREFIX = "reminder:"


class ClockTime(NamedTuple):
    """A time of day, on a 24-hour clock."""

    hour: int
    minute: int

    @property
    def spoken(self) -> str:
        """As said back to the listener: "8 PM", "7:30 AM", "12 PM" for noon."""
        hour = self.hour % 12 or 12
        minutes = f":{self.minute:02d}" if self.minute else ""
        return f"{hour}{minutes} {'AM' if self.hour < 12 else 'PM'}"

    @property
    def slot(self) -> str:
        """As an AMAZON.TIME slot holds it: "20:00"."""
        return f"{self.hour:02d}:{self.minute:02d}"

    @property
    def rule(self) -> str:
        """Every day at this time, as an RFC 5545 recurrence rule."""
        return f"FREQ=DAILY;BYHOUR={self.hour};BYMINUTE={self.minute};BYSECOND=0;INTERVAL=1"


def parse_time(value: str | None) -> ClockTime | None:
    """The time an AMAZON.TIME value names, or None for one without a clock time.

    Alexa sends "20:00" for "8 pm" and "MO", "AF", "EV" or "NI" for "in the evening" and the
    like: a part of the day is not a time a reminder can ring at, so it is asked for again.
    """
    match = _CLOCK.fullmatch((value or "").strip())
    if match is None:
        return None
    hour, minute = int(match[1]), int(match[2])
    return ClockTime(hour, minute) if hour < 24 and minute < 60 else None


def ask_token(time: ClockTime) -> str:
    """The token sent with the permission request, naming the reminder it is for."""
    return _TOKEN_PREFIX + time.slot


def time_from_token(token: str | None) -> ClockTime | None:
    """The reminder a permission answer is about, from the token it returned."""
    if not token or not token.startswith(_TOKEN_PREFIX):
        return None
    return parse_time(token[len(_TOKEN_PREFIX) :])


def local_now(zone: str | None, now: datetime) -> datetime:
    """`now` (aware) as a clock on the wall in `zone` shows it; UTC when the zone is unknown."""
    try:
        tz: Any = ZoneInfo(zone) if zone else UTC
    except (ZoneInfoNotFoundError, ValueError):
        tz = UTC
    return now.astimezone(tz).replace(tzinfo=None)


def next_time(time: ClockTime, wall: datetime) -> datetime:
    """The first moment at `time` after the wall-clock time `wall`: today or tomorrow."""
    today = wall.replace(hour=time.hour, minute=time.minute, second=0, microsecond=0)
    return today if today > wall else today + timedelta(days=1)


def daily_reminder(
    time: ClockTime, zone: str | None, locale: str, text: str, now: datetime
) -> ReminderRequest:
    """A reminder that rings every day at `time` in `zone` and says `text`.

    Times without an offset are the device's wall clock in `zone`, as the API requires.
    """
    wall = local_now(zone, now)
    return ReminderRequest(
        request_time=wall.strftime(_LOCAL_FORMAT),
        trigger=Trigger(
            object_type=TriggerType.SCHEDULED_ABSOLUTE,
            time_zone_id=zone,
            recurrence=Recurrence(
                start_date_time=next_time(time, wall).strftime(_LOCAL_FORMAT),
                recurrence_rules=[time.rule],
            ),
        ),
        alert_info=AlertInfo(
            spoken_info=SpokenInfo(content=[SpokenText(locale=locale, text=text)])
        ),
        push_notification=PushNotification(status=PushNotificationStatus.ENABLED),
    )


def reminder_time(alert: Mapping[str, Any]) -> ClockTime | None:
    """When a listed reminder (its JSON) rings: its daily rule's hour and minute, else its
    scheduled time."""
    trigger = alert.get("trigger") or {}
    for rule in (trigger.get("recurrence") or {}).get("recurrenceRules") or ():
        parts = dict(_RULE_PART.findall(str(rule)))
        if "HOUR" in parts:
            found = ClockTime(int(parts["HOUR"]), int(parts.get("MINUTE", 0)))
            return found if found.hour < 24 and found.minute < 60 else None
    scheduled = trigger.get("scheduledTime")
    return parse_time(scheduled[11:16]) if isinstance(scheduled, str) else None


def active(listing: Any) -> list[Mapping[str, Any]]:
    """The reminders in a GET /v1/alerts/reminders answer that will still ring (status ON)."""
    alerts = listing.get("alerts") if isinstance(listing, Mapping) else None
    return [a for a in alerts or () if isinstance(a, Mapping) and a.get("status") == "ON"]


def spoken_times(times: Iterable[ClockTime]) -> str:
    """Times in order as a spoken list: "8 AM and 8 PM", "7 AM, 12 PM and 9 PM"."""
    said = [time.spoken for time in sorted(set(times))]
    return said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]

