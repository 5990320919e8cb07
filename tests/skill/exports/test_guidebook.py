"""guidebook.json compiled from content/: the committed file is in step with it."""

from __future__ import annotations

from content import default_guide
from skill.exports.guidebook import render_guidebook
from skill.runtime.guidebook import GUIDEBOOK_PATH


def test_the_committed_guidebook_matches_content_so_run_nocontact_model_after_edits() -> None:
    assert GUIDEBOOK_PATH.read_text(encoding="utf-8") == render_guidebook(default_guide())
