"""skill/preflight/package.py: the package read from disk, and narrowed to some locales."""

from __future__ import annotations

import pytest

from skill.preflight.package import PackageError, SkillPackage


def test_a_package_narrowed_to_a_locale_keeps_only_its_listing_and_model(
    committed: SkillPackage,
) -> None:
    narrowed = committed.only(["en-GB"])

    assert list(narrowed.models) == ["en-GB"] and list(narrowed.listings) == ["en-GB"]
    assert narrowed.models["en-GB"] is committed.models["en-GB"]
    assert len(committed.listings) == 5  # the package read from disk is unchanged


def test_a_locale_the_package_lacks_names_the_ones_it_has(committed: SkillPackage) -> None:
    with pytest.raises(PackageError, match="has no fr-FR; its locales are en-AU, en-CA"):
        committed.only(["en-US", "fr-FR"])
