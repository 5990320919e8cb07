"""`nocontact model`: write the Alexa skill package and the skill's compiled guide from content/."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `model` command."""
    parser = subparsers.add_parser(
        "model",
        help="Generate the interaction model, skill.json and the skill's compiled guide.",
        description=(
            "Write the ASK CLI layout (skill.json, interactionModels/custom/<locale>.json for "
            "en-US, en-GB, en-CA, en-AU and en-IN, the store icons) and "
            "skill/runtime/guidebook.json, all from content/."
        ),
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("skill-package"),
        help="Folder for the skill package (default: ./skill-package).",
    )
    parser.add_argument(
        "--endpoint",
        help="Lambda ARN or HTTPS URL to put in skill.json (default: the endpoint the package's "
        "skill.json already names, if any; `nocontact deploy` sets it).",
    )
    parser.add_argument(
        "--privacy-policy-url",
        help="HTTPS address of the skill's privacy policy for skill.json (default: the one the "
        "package's skill.json already names, if any; `nocontact deploy` publishes the policy "
        "and sets it).",
    )
    parser.add_argument(
        "--guidebook",
        type=Path,
        help="Where to write the compiled guide (default: skill/runtime/guidebook.json, which the "
        "skill reads).",
    )
    parser.set_defaults(handler=export_model)


def export_model(args: argparse.Namespace) -> int:
    """Generate every file; a content problem stops the command before anything is written."""
    from content import ContentError, default_guide
    from skill.exports.guidebook import write_guidebook
    from skill.exports.icons import write_icons
    from skill.exports.interaction_model import (
        check_endpoint,
        check_privacy_policy_url,
        package_endpoint,
        package_files,
        package_privacy_policy_url,
        write_package,
    )
    from skill.runtime.guidebook import GUIDEBOOK_PATH

    try:
        endpoint = args.endpoint and check_endpoint(args.endpoint)
        policy = args.privacy_policy_url and check_privacy_policy_url(args.privacy_policy_url)
    except ValueError as error:
        raise SystemExit(f"nocontact model: {error}") from None
    endpoint = endpoint or package_endpoint(args.out / "skill.json")
    policy = policy or package_privacy_policy_url(args.out / "skill.json")
    try:
        guide = default_guide()
        files = package_files(guide, endpoint, policy)
    except (ContentError, ValueError) as error:
        raise SystemExit(f"nocontact model: {error}; fix content/ and run it again") from None
    _print_sample_counts(files)
    for path in (*write_package(files, args.out), *write_icons(args.out)):
        print(f"wrote {path}")
    print(f"wrote {write_guidebook(guide, args.guidebook or GUIDEBOOK_PATH)}")
    return 0


def _print_sample_counts(files: dict[str, str]) -> None:
    """Each locale's file size against the project's bound, and each intent's samples against
    its budget."""
    import json

    from skill.exports import limits

    for name, text in files.items():
        if name.startswith("interactionModels/"):
            model = json.loads(text)["interactionModel"]["languageModel"]
            locale = name.rsplit("/", 1)[-1].removesuffix(".json")
            counts = ", ".join(
                f"{intent} {count}/{limits.sample_budget(intent)}"
                for intent, count in limits.counts(model) if count
            )
            size = len(text.encode("utf-8"))
            print(
                f"{locale} model {size:,} bytes (at most {limits.LOCALE_BYTES:,}; "
                f"Alexa's limit {limits.MODEL_BYTES:,})"
            )
            print(f"{locale} samples (of each intent's budget): {counts}")
