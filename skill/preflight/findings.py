"""A check's verdict: passed, failed (with the fix), to do at deployment, or not checkable."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    """How a check came out; only FAIL stops a submission."""

    PASS = "pass"
    FAIL = "FAIL"
    # Set by `nocontact deploy` (the endpoint, the privacy policy's address); not yet there.
    TODO = "to do"
    # Nothing to check here (no audio store given); says how to check it.
    SKIP = "skip"
    # Advice that does not block certification (Amazon's RECOMMENDED validations).
    WARN = "warn"


@dataclass(frozen=True)
class Finding:
    """One check's verdict: `check` names it, `detail` says what was found and what to do."""

    check: str
    status: Status
    detail: str

    @property
    def failed(self) -> bool:
        return self.status is Status.FAIL

    def line(self) -> str:
        """One line for the terminal: `  pass  example phrases: ...`."""
        return f"  {self.status.value:<5} {self.check}: {self.detail}"


def passed(check: str, detail: str) -> Finding:
    return Finding(check, Status.PASS, detail)


def failed(check: str, detail: str) -> Finding:
    return Finding(check, Status.FAIL, detail)


def verdict(check: str, problems: Iterable[str], ok: str) -> list[Finding]:
    """One failure per problem, or one pass saying what held."""
    found = [failed(check, problem) for problem in problems]
    return found or [passed(check, ok)]
