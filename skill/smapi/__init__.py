"""Amazon's Skill Management API (SMAPI), at the edge: credentials, a client, and two tools.

- `credentials`: a Login with Amazon client and refresh token, from the environment or the
  ASK CLI's configuration (`~/.ask/cli_config`).
- `client`: the client factory (Amazon's ask-smapi-sdk, endpoints overridable for tests) and
  `call`, which retries throttled and failing calls and turns every failure into one sentence.
- `pacing`: how fast to call, within what Amazon documents of its rate limits.
- `profiler`: the Utterance Profiler (`profileNlu`): how Alexa itself resolves an utterance.
- `validation`: Amazon's own certification validations, started and polled.

Imports ask-smapi-sdk and the standard library only; nothing here is shipped to Lambda.
"""

from __future__ import annotations

import logging

logging.getLogger(__name__).addHandler(logging.NullHandler())


class SmapiError(Exception):
    """A SMAPI call could not be made or did not succeed; the message says what to do."""


class SmapiAuthError(SmapiError):
    """Amazon refused the credentials: they are missing, wrong or no longer valid."""
