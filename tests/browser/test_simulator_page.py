"""The simulator page in a real headless Chromium, against a real server and real audio."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from content import default_guide
from tests.readme_conversation import normalized, readme_conversation
from tests.simulator_support import serving

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Debian's Chromium, which `make test` installs when it is missing.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
]
TIMEOUT_MS = 15_000
# The first page load generates the interaction model; a loaded machine takes seconds.
expect.set_options(timeout=TIMEOUT_MS)
# Understanding an utterance can take many seconds on a loaded machine.
ANSWER_TIMEOUT_MS = 90_000
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
# Screenshots of the page at each width, kept after the run for people to look at.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


@pytest.fixture(scope="module")
def base_url(short_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The web app on a free loopback port, playing the short store."""
    with serving(short_store, tmp_path_factory.mktemp("page") / "positions.sqlite") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    """The simulator page on a phone, loaded, with every request it makes recorded."""
    yield from open_page(browser, base_url, VIEWPORTS["phone"])


@pytest.fixture(params=list(VIEWPORTS))
def sized_page(
    request: pytest.FixtureRequest, browser: Browser, base_url: str
) -> Iterator[Page]:
    """The simulator page at desktop and at phone width; `page.width_name` says which."""
    for page in open_page(browser, base_url, VIEWPORTS[request.param]):
        page.width_name = request.param  # type: ignore[attr-defined]
        yield page


def open_page(browser: Browser, base_url: str, viewport: dict[str, int]) -> Iterator[Page]:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    # What the Content-Security-Policy blocks, the page reports here.
    page.add_init_script(
        "window.violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " (e) => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.goto(base_url + "/")
    expect(page.locator("#topics button").first).to_be_visible()
    page.requested = requested  # type: ignore[attr-defined]
    yield page
    context.close()


def say(page: Page, words: str) -> None:
    page.get_by_label("Say something").fill(words)
    page.get_by_label("Say something").press("Enter")


def answered(page: Page, words: str) -> Locator:
    """Say `words` and wait for the skill's answer to them; that answer."""
    answers = page.locator("#chat li.skill")
    before = answers.count()
    say(page, words)
    expect(answers).to_have_count(before + 1, timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#status")).not_to_have_text("Waiting for the skill…")
    return answers.last


def screenshot(page: Page, name: str) -> None:
    """The page as it looks now, saved as build/screenshots/<name>-<width>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.width_name  # type: ignore[attr-defined]
    page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png")


# The space the page keeps above and below a line it scrolls into view (scroll margins).
MARGINS_PX = 16


def assert_in_view_above_the_message_box(page: Page, line: Locator) -> None:
    """The line is on screen and not behind the sticky message box (a line taller than the
    room above the box, margins included, shows its start at the top)."""
    box = page.locator("#say").bounding_box()
    shown = line.bounding_box()
    assert box is not None and shown is not None
    room = box["y"]
    if shown["height"] + MARGINS_PX <= room:
        assert shown["y"] >= -1 and shown["y"] + shown["height"] <= room + 1, (shown, box)
    else:
        assert -1 <= shown["y"] <= MARGINS_PX, (shown, box)


def last_answer(page: Page) -> Locator:
    return page.locator("#chat li.skill").last


def test_the_page_loads_everything_from_the_app_itself(page: Page, base_url: str) -> None:
    outside = [url for url in page.requested if not url.startswith((base_url, "data:"))]
    assert outside == []


def test_the_page_works_under_its_content_security_policy(page: Page, base_url: str) -> None:
    policy = page.request.get(base_url + "/").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    say(page, "help with guilt")
    clip = last_answer(page).locator("figure.clip audio")
    expect(clip).to_have_attribute("src", re.compile("/audio/clips/"))
    say(page, "play the whole guide")
    expect(page.locator("#player-state")).to_have_text("Playing")
    assert page.evaluate("window.violations") == []


def test_the_page_fits_a_phone_and_works_from_the_keyboard(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("button", name="Guilt", exact=True).focus()
    page.keyboard.press("Enter")
    expect(last_answer(page).locator("figcaption")).to_have_text(
        default_guide().section("guilt-trips").title
    )


def test_asking_about_guilt_shows_its_title_and_a_playable_clip(page: Page) -> None:
    guilt = default_guide().section("guilt-trips")
    say(page, "help with guilt")
    answer = last_answer(page)
    expect(answer.locator("figcaption")).to_have_text(guilt.title)
    audio = answer.locator("figure.clip audio")
    source = audio.get_attribute("src")
    assert source is not None
    fetched = page.request.get(source)
    assert fetched.status == 200 and fetched.headers["content-type"] == "audio/mpeg"
    duration = audio.evaluate(
        """(clip) => new Promise((resolve, reject) => {
            if (clip.readyState >= 1) return resolve(clip.duration);
            clip.addEventListener("loadedmetadata", () => resolve(clip.duration), {once: true});
            clip.addEventListener("error", () => reject(new Error("cannot play")), {once: true});
            clip.preload = "auto";
            clip.load();
        })"""
    )
    assert duration > 0


def test_the_card_shows_each_paragraph_and_list_item_on_its_own_line(page: Page) -> None:
    guilt = default_guide().section("guilt-trips")
    say(page, "help with guilt")
    shown = last_answer(page).locator(".card p").inner_text()
    assert shown.splitlines() == [block.text for block in guilt.blocks if block.kind != "heading"]


def test_a_follow_up_and_a_reflection_question_continue_the_conversation(page: Page) -> None:
    regret = default_guide().section("regret")
    say(page, "help with guilt")
    expect(page.locator("#status")).to_have_text("The skill is listening.")
    say(page, "yes")
    expect(last_answer(page).locator("figcaption")).to_have_text(regret.title)
    say(page, "give me a reflection question")
    expect(last_answer(page).locator(".heard")).to_contain_text("ReflectIntent")
    spoken = last_answer(page).locator(".speech").first.inner_text()
    assert any(question in spoken for question in regret.reflections)


def test_guided_listening_plays_the_guide_and_next_moves_on(page: Page) -> None:
    guide = default_guide()
    first, second = guide.sections[0], guide.sections[1]
    say(page, "play the whole guide")
    now_playing = page.locator("#now-playing")
    expect(now_playing).to_have_text(first.title)
    expect(page.locator("#player-state")).to_have_text("Playing")
    player_source = page.locator("#player-audio").get_attribute("src")
    assert player_source is not None and f"/clips/{first.id}/" in player_source
    page.get_by_role("button", name="Next", exact=True).click()
    expect(now_playing).to_have_text(second.title)
    expect(page.locator("#chat")).to_contain_text("PlaybackController.NextCommandIssued")


def test_repeat_plays_a_one_part_section_again_from_its_start(page: Page) -> None:
    say(page, "play the whole guide")
    expect(page.locator("#player-state")).to_have_text("Playing")
    # Slowed down and moved on, so the clip is still playing, well past its start, when the
    # answer to "repeat" arrives.
    page.locator("#player-audio").evaluate(
        """(clip) => new Promise((resolve) => {
            const move = () => { clip.playbackRate = 0.1; clip.currentTime = 1.0; resolve(); };
            if (clip.readyState >= 1) move();
            else clip.addEventListener("loadedmetadata", move, {once: true});
        })"""
    )
    page.wait_for_function(
        "() => { const clip = document.getElementById('player-audio');"
        " return !clip.paused && clip.currentTime >= 1.0; }"
    )
    say(page, "repeat")
    expect(page.locator("#chat")).to_contain_text("AMAZON.RepeatIntent")
    page.wait_for_function(
        "() => { const clip = document.getElementById('player-audio');"
        " return !clip.paused && clip.currentTime < 0.5; }"
    )
    expect(page.locator("#now-playing")).to_have_text(default_guide().sections[0].title)


def test_the_player_shows_each_sentence_of_the_captions_as_it_plays(page: Page) -> None:
    say(page, "play the whole guide")
    expect(page.locator("#player-state")).to_have_text("Playing")
    track = page.locator("#player-audio track")
    expect(track).to_have_attribute("src", re.compile(r"/audio/clips/.+\.vtt$"))
    expect(page.locator("#player-caption")).to_have_text("A short narration for testing.")

def test_a_guided_reflections_space_counts_down_in_the_player(page: Page) -> None:
    guided = default_guide().skill.guided_reflection
    say(page, "guide me through a reflection on guilt")
    now_playing = page.locator("#now-playing")
    expect(now_playing).to_have_text(guided.title, timeout=TIMEOUT_MS)
    for _ in range(2):  # the opening, then the first prompt, run to their ends
        title = now_playing.text_content()
        # A clip's length is known once its metadata has loaded; only then can it be skipped.
        page.wait_for_function(
            "() => Number.isFinite(document.querySelector('#player-audio').duration)",
            timeout=TIMEOUT_MS,
        )
        page.eval_on_selector("#player-audio", "a => { a.currentTime = a.duration - 0.2; }")
        expect(now_playing).not_to_have_text(title or "", timeout=TIMEOUT_MS)
    expect(now_playing).to_have_text(guided.space_title, timeout=TIMEOUT_MS)
    countdown = page.locator("#space-countdown")
    expect(countdown).to_be_visible()
    ticking = re.compile(r"Space to think: 0:[0-4]\d left")
    expect(countdown).to_have_text(ticking, timeout=TIMEOUT_MS)
    first = countdown.text_content()
    expect(countdown).not_to_have_text(first or "", timeout=TIMEOUT_MS)  # it counts down
    assert page.evaluate("window.violations") == []


def test_the_newest_answer_is_always_in_view_above_the_message_box(sized_page: Page) -> None:
    page = sized_page
    for words in ("help with guilt", "yes", "give me a reflection question", "I need help now"):
        assert_in_view_above_the_message_box(page, answered(page, words))
    screenshot(page, "conversation")


def test_a_crisis_answer_shows_its_lines_once_with_the_rest_folded_away(sized_page: Page) -> None:
    page = sized_page
    crisis = default_guide().skill.crisis
    answer = answered(page, "I need help now")
    shown = answer.inner_text()
    assert shown.count(crisis.message) == 1
    assert shown.count("call emergency services") == 1, shown
    folded = answer.locator("details.also")
    expect(folded).not_to_have_attribute("open", "")
    expect(folded.locator(".card")).to_contain_text(crisis.card_title)
    expect(folded.locator(".reprompt")).to_contain_text("call emergency services")
    expect(page.locator("#crisis-announcer")).to_contain_text(crisis.message)
    assert_in_view_above_the_message_box(page, answer)
    screenshot(page, "crisis")
    folded.locator("summary").click()
    expect(folded.locator(".card")).to_be_visible()


def test_every_control_has_a_name_a_keyboard_reaches_it_and_answers_are_announced(
    sized_page: Page,
) -> None:
    page = sized_page
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll("button, input, select, audio, a[href]")]
            .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute("aria-label")
                    && !el.textContent.trim())
            .map((el) => el.outerHTML.slice(0, 80))"""
    )
    assert unnamed == []
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to the message box")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Say something")).to_be_focused()
    page.keyboard.type("help with guilt")
    page.keyboard.press("Enter")
    guilt = default_guide().section("guilt-trips")
    expect(page.locator("#answer-announcer")).to_contain_text(
        f"Alexa: Playing {guilt.title}.", timeout=ANSWER_TIMEOUT_MS
    )
    expect(page.get_by_label("Say something")).to_be_focused()
    topic = page.get_by_role("button", name="Regret", exact=True)
    topic.focus()
    page.keyboard.press("Enter")
    regret = default_guide().section("regret")
    expect(page.locator("#answer-announcer")).to_contain_text(
        f"Playing {regret.title}.", timeout=ANSWER_TIMEOUT_MS
    )
    expect(topic).to_be_focused()
    assert page.locator("#chat").get_attribute("role") == "log"


def test_the_readmes_conversation_gives_the_answers_it_shows(page: Page) -> None:
    for exchange in readme_conversation():
        answer = answered(page, exchange.typed)
        said = answer.locator(".speech").first.evaluate(
            """(speech) => [...speech.children].map((part) => part.matches("figure.clip")
                ? `[audio] ${part.querySelector("figcaption").textContent}`
                : part.matches("p.words") ? part.textContent : "").join(" ")"""
        )
        assert normalized(said) == exchange.answer, exchange.typed
