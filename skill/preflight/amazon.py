"""Amazon's own validations (SMAPI's skill validation API) as findings beside the preflight's."""

from __future__ import annotations

from skill.preflight.findings import Finding, Status
from skill.smapi.validation import ValidationRun


def amazon_findings(run: ValidationRun) -> list[Finding]:
    """A failed REQUIRED validation fails; a failed RECOMMENDED one is a warning."""
    findings = []
    for validation in run.validations:
        if validation.passed:
            status = Status.PASS
        elif validation.importance == "REQUIRED":
            status = Status.FAIL
        else:
            status = Status.WARN
        where = f" ({validation.locale})" if validation.locale else ""
        findings.append(Finding(f"Amazon: {validation.title}{where}", status,
                                validation.description))
    if run.error:
        findings.append(Finding("Amazon's validations", Status.FAIL, run.error))
    if not findings:
        findings.append(Finding("Amazon's validations", Status.PASS if run.status ==
                                "SUCCESSFUL" else Status.FAIL, f"run {run.id}: {run.status}"))
    return findings
