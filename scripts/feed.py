"""`nocontact feed`: write a podcast feed (feed.xml) of a published store's clips."""

from __future__ import annotations

import argparse
from urllib.parse import urlsplit

from scripts.build_audio import add_store_options


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `feed` command."""
    parser = subparsers.add_parser(
        "feed",
        help="Write a podcast feed of the published clips into the store.",
        description=(
            "Write feed.xml into the store: an RSS 2.0 podcast with Apple's and Podcasting 2.0's "
            "tags, one episode per section in guide order, each pointing at a clip the store "
            "holds. Run it after `nocontact build`; a store without a manifest gets no feed."
        ),
    )
    add_store_options(parser)
    parser.add_argument(
        "--base-url", required=True, metavar="URL",
        help="Where the store is served publicly (e.g. the stack's AudioBaseUrl); every "
        "enclosure and the feed's own address start with it.",
    )
    parser.add_argument(
        "--title",
        help="The podcast's title (default: 'Quiet Minutes', which says nothing of the "
        "subject to anyone glancing at a shared device).",
    )
    parser.set_defaults(handler=feed)


def feed(args: argparse.Namespace) -> int:
    """Publish the feed and say where it is."""
    from audio.errors import AudioError
    from audio.feed import DEFAULT_TITLE, FEED_KEY, FeedOptions, publish_feed
    from audio.stores import parse_store

    address = urlsplit(args.base_url)
    if address.scheme not in ("http", "https") or not address.netloc:
        raise SystemExit(
            f"nocontact feed: --base-url {args.base_url!r} is not a web address; "
            "give one such as https://d111111abcdef8.cloudfront.net"
        )
    title = DEFAULT_TITLE if args.title is None else args.title.strip()
    if not title:
        raise SystemExit("nocontact feed: --title is empty; give the podcast a name")
    options = FeedOptions(base_url=args.base_url, title=title)
    try:
        report = publish_feed(parse_store(args.store, args.endpoint_url), options)
    except AudioError as error:
        raise SystemExit(f"nocontact feed: {str(error).rstrip('.')}.") from None
    missing = (
        f"; left out {report.missing} clips the manifest lists but the store lacks"
        if report.missing
        else ""
    )
    print(f"{report.uri}: {report.episodes} episodes{missing}.")
    print(f"Subscribe at {options.url(FEED_KEY)}")
    return 0
