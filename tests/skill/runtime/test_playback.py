"""The guide's play order: stable tokens, moves between clips and sections, resuming."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skill.runtime.playback import (
    END_MARGIN_MS,
    TOKEN_LIMIT,
    Cue,
    PlaybackError,
    PlayOrder,
    Track,
    make_token,
    parse_token,
)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def track(section_id: str, part: int, version: str = "v1", duration_ms: int = 60_000) -> Track:
    return Track(
        section_id=section_id,
        part=part,
        title=section_id.replace("-", " ").title(),
        url=f"https://audio.example.com/clips/{section_id}/{part}.mp3",
        sha256=sha(f"{section_id}-{part}-{version}"),
        duration_ms=duration_ms,
    )


@pytest.fixture
def order() -> PlayOrder:
    """Three sections; the middle one was long enough to be split into two parts."""
    return PlayOrder.of(
        [track("introduction", 1), track("regret", 1), track("regret", 2), track("healing", 1)]
    )


def test_token_names_section_part_and_clip_hash() -> None:
    clip = track("holidays", 2)
    assert clip.token == f"holidays:2:{clip.sha256[:16]}"
    assert parse_token(clip.token).section_id == "holidays"
    assert parse_token(clip.token).part == 2


def test_token_is_the_same_when_the_clip_is_rebuilt_unchanged() -> None:
    assert track("regret", 1).token == track("regret", 1).token


def test_token_changes_when_the_clip_audio_changes() -> None:
    assert track("regret", 1, "v1").token != track("regret", 1, "v2").token


@given(
    section_id=st.from_regex(r"[a-z0-9]{1,30}(-[a-z0-9]{1,30}){0,5}", fullmatch=True),
    part=st.integers(min_value=1, max_value=10_000),
    audio=st.binary(min_size=1, max_size=64),
)
def test_every_clip_token_reads_back_as_its_section_and_part(
    section_id: str, part: int, audio: bytes
) -> None:
    token = make_token(section_id, part, hashlib.sha256(audio).hexdigest())
    assert len(token) <= TOKEN_LIMIT
    parts = parse_token(token)
    assert (parts.section_id, parts.part) == (section_id, part)


@pytest.mark.parametrize(
    "token",
    [None, "", "0", "https://other.example/stream", "regret:0:abcdef12", "Regret:1:abcdef12",
     "regret:1:xyz", "regret:1:" + "a" * TOKEN_LIMIT],
)
def test_tokens_that_are_not_ours_parse_to_none(token: str | None) -> None:
    assert parse_token(token) is None


def test_duplicate_clips_are_refused() -> None:
    with pytest.raises(PlaybackError, match="repeated"):
        PlayOrder.of([track("regret", 1), track("regret", 1)])


def test_following_walks_every_part_then_every_section(order: PlayOrder) -> None:
    walked = [order.first()]
    while (after := order.following(walked[-1].token)) is not None:
        walked.append(after)
    assert walked == list(order.tracks)


def test_nothing_follows_the_last_clip(order: PlayOrder) -> None:
    assert order.following(order.tracks[-1].token) is None


def test_next_section_skips_the_rest_of_a_split_section(order: PlayOrder) -> None:
    first_part = order.find(track("regret", 1).token)
    assert order.next_section(first_part.token) == track("healing", 1)


def test_next_section_at_the_end_of_the_guide_is_none(order: PlayOrder) -> None:
    assert order.next_section(track("healing", 1).token) is None


def test_previous_section_goes_to_the_start_of_the_section_before(order: PlayOrder) -> None:
    assert order.previous_section(track("healing", 1).token) == track("regret", 1)
    assert order.previous_section(track("regret", 2).token) == track("introduction", 1)


def test_previous_section_at_the_start_of_the_guide_is_none(order: PlayOrder) -> None:
    assert order.previous_section(track("introduction", 1).token) is None


def test_start_of_a_section_is_its_first_part(order: PlayOrder) -> None:
    assert order.start_of("regret") == track("regret", 1)
    assert order.start_of("holidays") is None


def test_resume_of_an_unchanged_clip_keeps_the_offset(order: PlayOrder) -> None:
    assert order.resume(track("regret", 2).token, 12_345) == Cue(track("regret", 2), 12_345)


def test_resume_of_a_rebuilt_clip_restarts_that_part(order: PlayOrder) -> None:
    stale = track("regret", 2, "old").token
    assert order.resume(stale, 12_345) == Cue(track("regret", 2), 0)


def test_resume_in_a_section_whose_part_was_merged_away_restarts_the_section(
    order: PlayOrder,
) -> None:
    assert order.resume(track("healing", 3).token, 5_000) == Cue(track("healing", 1), 0)


def test_after_a_part_rebuilt_away_the_next_section_follows_not_the_sections_second_part() -> None:
    rebuilt = PlayOrder.of(
        [track("regret", 1, "v2"), track("regret", 2, "v2"), track("healing", 1)]
    )
    gone = track("regret", 3).token  # the section had three parts; now it has two
    assert rebuilt.following(gone) == track("healing", 1)
    assert rebuilt.next_section(gone) == track("healing", 1)
    assert rebuilt.previous_section(gone) is None


def test_a_rebuilt_part_that_still_exists_is_followed_by_the_part_after_it(
    order: PlayOrder,
) -> None:
    assert order.following(track("regret", 1, "old").token) == track("regret", 2)


def test_resume_at_the_very_end_of_a_clip_starts_the_next_one(order: PlayOrder) -> None:
    almost_done = 60_000 - END_MARGIN_MS // 2
    assert order.resume(track("regret", 1).token, almost_done) == Cue(track("regret", 2), 0)


def test_resume_at_the_very_end_of_the_guide_finds_nothing_left(order: PlayOrder) -> None:
    assert order.resume(track("healing", 1).token, 59_999) is None


def test_resume_of_a_removed_section_or_foreign_token_finds_nothing(order: PlayOrder) -> None:
    assert order.resume(track("myths", 1).token, 1_000) is None
    assert order.resume("someone-elses-token", 1_000) is None


def test_an_empty_play_order_has_no_first_clip() -> None:
    assert PlayOrder.of([]).first() is None
