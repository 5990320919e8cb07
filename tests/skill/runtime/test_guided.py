"""The guided reflection's queue and its one-response form, as pure functions."""

from __future__ import annotations

import pytest

from skill.runtime.guidebook import load_guidebook
from skill.runtime.guided import (
    CLOSE_ID,
    MIN_SPACE_SECONDS,
    OPENING_ID,
    SPACE_ID,
    Said,
    estimated_seconds,
    guided_order,
    pick_section,
    prompt_id,
    space_seconds,
    spoken_reflection,
)
from skill.runtime.playback import Clip, make_guided_token, parse_guided_token, parse_token
from skill.runtime.speech import MAX_AUDIO_SECONDS, MAX_AUDIO_TAGS

GUIDEBOOK = load_guidebook()
SECTION = "regret"
PROMPTS = GUIDEBOOK.section(SECTION).reflections


def clip(name: str, seconds: float) -> Clip:
    digest = f"{abs(hash(name)):016x}"[:16] * 4
    return Clip(1, f"https://audio.example.org/{name}.mp3", digest, seconds)


def clips(prompt_seconds: float = 8.0, prompts: int = len(PROMPTS)) -> dict[str, Clip]:
    found = {
        OPENING_ID: clip(OPENING_ID, 20.0),
        SPACE_ID: clip(SPACE_ID, 45.0),
        CLOSE_ID: clip(CLOSE_ID, 15.0),
    }
    for n in range(1, prompts + 1):
        found[prompt_id(SECTION, n)] = clip(prompt_id(SECTION, n), prompt_seconds)
    return found


def test_guided_tokens_and_guide_tokens_cannot_be_read_as_each_other() -> None:
    token = make_guided_token("regret", 3, "ab" * 32)
    assert parse_guided_token(token) == ("regret", 3, "ab" * 8)
    assert parse_token(token) is None
    assert parse_guided_token("regret:3:" + "ab" * 8) is None


def test_the_queue_alternates_prompts_and_spaces_between_opening_and_close() -> None:
    order = guided_order(GUIDEBOOK, clips(), SECTION)
    assert order is not None
    assert order.kinds == ("opening", *("prompt", "space") * len(PROMPTS), "close")
    assert [t.part for t in order.tracks] == list(range(1, len(order.tracks) + 1))
    assert len({t.token for t in order.tracks}) == len(order.tracks)  # the space is reused
    assert len({t.url for t in order.tracks}) == len(PROMPTS) + 3


def test_no_queue_until_every_clip_is_published() -> None:
    partial = clips()
    del partial[prompt_id(SECTION, 2)]
    assert guided_order(GUIDEBOOK, partial, SECTION) is None


def test_moves_through_the_queue() -> None:
    order = guided_order(GUIDEBOOK, clips(), SECTION)
    opening, first, space = order.tracks[:3]
    assert order.following(opening.token) == first
    assert order.next_prompt(opening.token) == first
    assert order.next_prompt(first.token) == order.tracks[3]
    assert order.current_prompt(space.token) == first
    assert order.previous_prompt(space.token) == opening
    assert order.previous_prompt(order.tracks[4].token) == first
    assert order.next_prompt(order.tracks[-1].token) is None
    assert order.following(order.tracks[-1].token) is None


def test_resume_keeps_the_offset_restarts_a_rebuilt_clip_and_skips_a_finished_one() -> None:
    order = guided_order(GUIDEBOOK, clips(), SECTION)
    space = order.tracks[2]
    assert order.resume(space.token, 30_000) == (space, 30_000)
    rebuilt = make_guided_token(SECTION, space.part, "cd" * 32)
    assert order.resume(rebuilt, 30_000) == (space, 0)
    assert order.resume(space.token, 44_500) == (order.tracks[3], 0)
    assert order.resume(make_guided_token("healing", 2, "ab" * 32), 0) is None


def test_spaces_keep_their_length_when_everything_fits() -> None:
    pieces = [Said("", clip("a", 20.0)), Said("", clip("b", 10.0))]
    assert space_seconds(pieces, 2, 45) == 45


@pytest.mark.parametrize("prompt_seconds", [8.0, 30.0, 60.0])
def test_the_spoken_reflection_fits_240_seconds_and_keeps_every_prompt(
    prompt_seconds: float,
) -> None:
    found = clips(prompt_seconds)
    speech, space = spoken_reflection(GUIDEBOOK.guided, PROMPTS, found, SECTION)
    for n in range(1, len(PROMPTS) + 1):
        assert found[prompt_id(SECTION, n)].url in speech.body
    assert speech.body.count("<audio") <= MAX_AUDIO_TAGS
    assert speech.audio_seconds + space * len(PROMPTS) <= MAX_AUDIO_SECONDS
    assert MIN_SPACE_SECONDS <= space <= GUIDEBOOK.guided.space_seconds
    assert speech.fits()


def test_more_prompts_than_audio_tags_are_said_by_alexa_rather_than_dropped() -> None:
    prompts = tuple(f"Question number {n}?" for n in range(1, 8))
    found = clips(prompts=len(prompts))
    speech, _ = spoken_reflection(GUIDEBOOK.guided, prompts, found, SECTION)
    assert speech.audio_tags == MAX_AUDIO_TAGS
    for n, text in enumerate(prompts, 1):
        assert found[prompt_id(SECTION, n)].url in speech.body or text in speech.body
    assert GUIDEBOOK.guided.opening.split(".")[0] in speech.body  # the opening lost its clip


def test_text_is_estimated_erring_long() -> None:
    # Ten words take four seconds at Alexa's 150 words a minute.
    assert estimated_seconds("one two three four five six seven eight nine ten") > 4.0


def test_the_day_picks_a_section_in_turn() -> None:
    ids = GUIDEBOOK.ids
    picked = [pick_section(ids, day) for day in range(len(ids))]
    assert sorted(picked) == sorted(ids)
