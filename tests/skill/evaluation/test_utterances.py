"""skill/evaluation/utterances.py: labelled sets read from a folder, named by file, chosen by
split and set."""

from __future__ import annotations

from pathlib import Path

from skill.evaluation.utterances import load_utterances, select, set_name


def test_each_file_of_a_locale_is_a_set_with_its_own_split(tmp_path: Path) -> None:
    (tmp_path / "en-GB.yaml").write_text(
        '- {text: "help with guilt", label: guilt-trips, split: dev}\n')
    (tmp_path / "heldout-en-GB.yaml").write_text(
        '- {text: "i want to die", label: crisis, family: suicidal-direct, split: test}\n'
        '- {text: "dying for a tea", label: harmless, split: test, also: []}\n')
    (tmp_path / "heldout-en-US.yaml").write_text(
        '- {text: "not this locale", label: harmless, split: test}\n')

    items = load_utterances("en-GB", tmp_path)

    assert [(i.text, i.set, i.split, i.family) for i in items] == [
        ("help with guilt", "first", "dev", None),
        ("i want to die", "heldout", "test", "suicidal-direct"),
        ("dying for a tea", "heldout", "test", None),
    ]
    assert [i.text for i in select(items, ["test"], None)] == ["i want to die", "dying for a tea"]
    assert [i.text for i in select(items, None, ["first"])] == ["help with guilt"]
    assert select(items, ["dev"], ["heldout"]) == []
    assert select(items) == list(items)


def test_a_set_is_named_by_its_file() -> None:
    assert set_name(Path("fresh9-en-GB.yaml"), "en-GB") == "fresh9"
    assert set_name(Path("en-GB.yaml"), "en-GB") == "first"
