"""The web service's one exception family: why a request or a way of serving is refused.

Every message is a short reason that is safe to send back to a caller or print to an operator.
"""

from __future__ import annotations

from skill.runtime import SkillError


class RequestVerificationError(SkillError):
    """A request that must be refused; `str(error)` is a short reason for the caller."""


class CertificateUrlError(RequestVerificationError):
    """The `SignatureCertChainUrl` header is missing or breaks Amazon's URL rules."""


class CertificateError(RequestVerificationError):
    """The signing certificate cannot be downloaded, parsed or trusted."""


class SignatureError(RequestVerificationError):
    """The `Signature-256` header is missing, malformed or does not match the body."""


class TimestampError(RequestVerificationError):
    """The request's timestamp is missing or outside the allowed window."""


class SkillIdError(RequestVerificationError):
    """The request is addressed to a different skill."""


class ExposureError(SkillError):
    """A way of serving that would let others around verification: refused at startup."""
