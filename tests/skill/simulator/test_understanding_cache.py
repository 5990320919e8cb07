"""The simulator's learning kept on disk by the model's hash: learned once, read back whole,
learned again when the model changes or what was kept cannot be read."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from threading import Thread

import pytest

from skill.simulator.language_model import InteractionModel
from skill.simulator.understanding import Understanding
from skill.simulator.understanding_cache import model_key, trained_understanding

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "simulator_model_en-US.json"


@pytest.fixture(scope="module")
def model() -> InteractionModel:
    return InteractionModel.from_json(json.loads(FIXTURE.read_text(encoding="utf-8")))


def _learned(cache: Path) -> list[Path]:
    return [path for path in (cache / "understanding").iterdir() if path.is_dir()]


def test_a_model_is_learned_once_and_then_read_back(
    model: InteractionModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = trained_understanding(model, tmp_path)
    monkeypatch.setattr(Understanding, "train", None)  # a second learning would fail
    again = trained_understanding(model, tmp_path)
    assert again.resolve("help with guilt") == first.resolve("help with guilt")
    assert [path.name for path in _learned(tmp_path)] == [model_key(model)]


def test_any_change_to_the_model_is_another_key(model: InteractionModel) -> None:
    keys = {
        model_key(model),
        model_key(dataclasses.replace(model, fallback_sensitivity="HIGH")),
        model_key(dataclasses.replace(model, intents=model.intents[:-1])),
        model_key(dataclasses.replace(model, invocation_name="another name")),
    }
    assert len(keys) == 4
    assert model_key(model) == model_key(InteractionModel.from_json(
        json.loads(FIXTURE.read_text(encoding="utf-8"))
    ))


def test_what_cannot_be_read_back_is_learned_again(
    model: InteractionModel, tmp_path: Path
) -> None:
    trained_understanding(model, tmp_path)
    (folder,) = _learned(tmp_path)
    (folder / Understanding.files()[0]).write_bytes(b"not what was kept")
    learned = trained_understanding(model, tmp_path)
    assert learned.resolve("help with guilt").intent is not None
    assert Understanding.load(model, folder).resolve("yeah") == learned.resolve("yeah")


def test_a_half_written_folder_is_never_taken_for_a_learned_model(
    model: InteractionModel, tmp_path: Path
) -> None:
    folder = tmp_path / "understanding" / model_key(model)
    folder.mkdir(parents=True)
    (folder / Understanding.files()[1]).write_bytes(b"")
    assert trained_understanding(model, tmp_path).resolve("yeah").intent is not None


def test_two_learners_of_one_model_learn_it_once(
    model: InteractionModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    train = Understanding.train.__func__  # type: ignore[attr-defined]

    def counted(cls: type[Understanding], *args: object) -> Understanding:
        calls.append(args)
        return train(cls, *args)

    monkeypatch.setattr(Understanding, "train", classmethod(counted))
    threads = [Thread(target=trained_understanding, args=(model, tmp_path)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert len(_learned(tmp_path)) == 1
