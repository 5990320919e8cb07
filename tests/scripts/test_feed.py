"""`nocontact feed`: a feed beside a published store's manifest, in a folder or S3; one
sentence and nothing written for a store without a manifest or an address that is not one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import feedparser
import pytest

from scripts.cli import main

pytestmark = pytest.mark.slow  # real synthesis with the offline voice

BASE = "https://d111111abcdef8.cloudfront.net"


def test_the_feed_is_written_into_the_store_and_its_address_printed(
    build: Callable[..., None], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store"
    build("--store", str(store))
    assert main(["feed", "--store", str(store), "--base-url", BASE]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        f"{store / 'feed.xml'}: 3 episodes.",
        f"Subscribe at {BASE}/feed.xml",
    ]
    feed = feedparser.parse((store / "feed.xml").read_bytes())
    assert feed.feed.title == "Quiet Minutes"
    assert [entry.title for entry in feed.entries] == ["First Steps", "Quiet Days", "Onward"]


def test_the_feed_goes_to_s3_with_a_title_of_ones_own(
    build: Callable[..., None],
    s3_client: Any,
    make_bucket: Callable[[], str],
    moto_endpoint: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bucket = make_bucket()
    store = ["--store", f"s3://{bucket}/guide", "--endpoint-url", moto_endpoint]
    build(*store)
    assert main(["feed", *store, "--base-url", f"{BASE}/guide", "--title", "Evenings"]) == 0
    assert capsys.readouterr().out.startswith(f"s3://{bucket}/guide/feed.xml: 3 episodes.")
    body = s3_client.get_object(Bucket=bucket, Key="guide/feed.xml")["Body"].read()
    feed = feedparser.parse(body)
    assert feed.feed.title == "Evenings"
    assert all(e.enclosures[0].href.startswith(f"{BASE}/guide/clips/") for e in feed.entries)


def test_a_store_without_a_manifest_gets_one_sentence_and_no_feed(tmp_path: Path) -> None:
    store = tmp_path / "empty"
    store.mkdir()
    with pytest.raises(SystemExit) as stopped:
        main(["feed", "--store", str(store), "--base-url", BASE])
    message = str(stopped.value)
    assert message == (
        f"nocontact feed: {store} has no manifest.json, so no feed was written; "
        f"run `nocontact build --store {store}` first."
    )
    assert list(store.iterdir()) == []


@pytest.mark.parametrize("address", ["d111111abcdef8.cloudfront.net", "ftp://host/x", "https://"])
def test_a_base_url_that_is_not_a_web_address_is_refused(address: str, tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match=f"--base-url '{address}' is not a web address"):
        main(["feed", "--store", str(tmp_path), "--base-url", address])
    assert list(tmp_path.iterdir()) == []
