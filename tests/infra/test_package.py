"""The Lambda bundle: only the skill's runtime, and it answers Alexa in a clean virtualenv.

The bundle is built by the same code as `make package`, for this interpreter's Python version
and this machine's architecture instead of Lambda's, so that a venv made here can run it; one is
built as `make package` builds it, for Lambda's architecture.
"""

from __future__ import annotations

import hashlib
import html
import json
import platform
import re
import subprocess
import sys
import venv
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from audio.manifest import Manifest, Part, SectionEntry, clip_key
from content import default_guide
from scripts.package_lambda import (
    LAMBDA_ARCHITECTURE,
    LAMBDA_PYTHON,
    LIMIT_BYTES,
    PLATFORMS,
    Bundle,
    PackageError,
    build_bundle,
    check_size,
    locked_requirements,
    requirement_names,
    write_zip,
)
from skill.runtime.intents import TOPIC
from skill.simulator.envelopes import (
    Caller,
    Player,
    Session,
    intent_request,
    launch_request,
    new_session_id,
)
from skill.simulator.language_model import FilledSlot, ResolvedIntent, SlotValue

ROOT = Path(__file__).resolve().parents[2]
SKILL_ID = "amzn1.ask.skill.11111111-2222-4333-8444-555555555555"
LOCAL_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
# This machine's architecture, in Lambda's words.
LOCAL_ARCHITECTURE = {"x86_64": "x86_64", "aarch64": "arm64"}[platform.machine()]
# Run inside the clean venv: import the handler from the unzipped bundle the way Lambda does
# (the task root first on sys.path), answer each request, and list every module that came from
# anywhere but the bundle or the standard library.
RUNNER = """
import json, sys, sysconfig
bundle = sys.argv[1]
sys.path.insert(0, bundle)
from skill.runtime.lambda_function import lambda_handler
responses = [lambda_handler(event, None) for event in json.load(sys.stdin)]
allowed = (bundle, sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"])
foreign = sorted(
    name for name, module in list(sys.modules.items())
    if getattr(module, "__file__", None) and not module.__file__.startswith(allowed)
)
print(json.dumps({"responses": responses, "foreign": foreign}))
"""


def guide_manifest() -> Manifest:
    """A manifest with one clip for every section of the bundled guide."""
    entries = []
    for section in default_guide().sections:
        fingerprint = hashlib.sha256(section.narration.encode()).hexdigest()
        sha256 = hashlib.sha256(section.id.encode()).hexdigest()
        part = Part(key=clip_key(section.id, sha256, 1), sha256=sha256, bytes=48_000, duration=8.0)
        entries.append(
            SectionEntry(id=section.id, title=section.title, fingerprint=fingerprint, parts=(part,))
        )
    return Manifest(voice="piper:en_US-joe-medium", render="test", sections=tuple(entries))


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Bundle:
    folder = tmp_path_factory.mktemp("package")
    manifest = folder / "manifest.json"
    manifest.write_bytes(guide_manifest().to_json())
    return build_bundle(folder / "lambda.zip", python_version=LOCAL_PYTHON,
                        architecture=LOCAL_ARCHITECTURE, manifest=manifest)


@pytest.fixture(scope="module")
def names(bundle: Bundle) -> set[str]:
    with zipfile.ZipFile(bundle.path) as archive:
        return set(archive.namelist())


@pytest.fixture(scope="module")
def answers(bundle: Bundle, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The unzipped bundle's answers to a launch and a topic, in a venv with nothing installed."""
    home = tmp_path_factory.mktemp("clean-venv")
    venv.EnvBuilder(with_pip=False, system_site_packages=False).create(home)
    task_root = tmp_path_factory.mktemp("task")
    with zipfile.ZipFile(bundle.path) as archive:
        archive.extractall(task_root)
    environment = {
        "PATH": "/usr/bin:/bin",
        "NOCONTACT_MANIFEST": "manifest.json",  # relative to the task root, as on Lambda
        "NOCONTACT_AUDIO_BASE_URL": "https://audio.example.com",
        "NOCONTACT_SKILL_ID": SKILL_ID,
    }
    result = subprocess.run(
        [str(home / "bin" / "python"), "-I", "-c", RUNNER, str(task_root)],
        input=json.dumps(conversation()),
        capture_output=True,
        text=True,
        cwd=task_root,
        env=environment,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def conversation() -> list[dict[str, Any]]:
    """"Open no contact companion", then "help with guilt"."""
    caller, now = Caller.new(skill_id=SKILL_ID), datetime.now(UTC)
    guilt = FilledSlot(
        "topic", "SectionTopic", heard="guilt", value=SlotValue("guilt-trips", "guilt")
    )
    return [
        launch_request(caller, Session(), Player(), now),
        intent_request(
            caller,
            Session(id=new_session_id(), open=True),
            Player(),
            ResolvedIntent(TOPIC, (guilt,)),
            now,
        ),
    ]


def spoken(ssml: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", ssml)).split())


@pytest.mark.slow
def test_the_bundle_answers_a_launch_request_in_a_clean_venv(answers: Any) -> None:
    response = answers["responses"][0]["response"]
    welcome = default_guide().skill.welcome.split(".")[0]

    assert welcome in spoken(response["outputSpeech"]["ssml"])
    assert response["shouldEndSession"] is False
    assert response["reprompt"]["outputSpeech"]["ssml"]


@pytest.mark.slow
def test_the_bundle_plays_a_sections_clips_from_its_manifest_over_https(answers: Any) -> None:
    ssml = answers["responses"][1]["response"]["outputSpeech"]["ssml"]
    (key,) = [p.key for s in guide_manifest().sections if s.id == "guilt-trips" for p in s.parts]

    assert f'<audio src="https://audio.example.com/{key}"/>' in ssml


@pytest.mark.slow
def test_the_bundle_runs_on_nothing_but_itself_and_the_standard_library(answers: Any) -> None:
    assert answers["foreign"] == []


@pytest.mark.slow
def test_the_bundle_holds_the_skill_its_compiled_guide_and_the_manifest(names: set[str]) -> None:
    runtime = {"skill/runtime/lambda_function.py", "skill/runtime/guidebook.json"}
    assert runtime | {"manifest.json"} <= names


@pytest.mark.slow
def test_the_bundle_leaves_out_the_audio_stack_the_web_server_and_what_lambda_provides(
    names: set[str],
) -> None:
    top_level = {name.split("/")[0].split("-")[0].lower() for name in names}

    assert not top_level & {
        "boto3", "botocore", "s3transfer", "jmespath", "pydub", "piper", "onnxruntime",
        "numpy", "gtts", "flask", "werkzeug", "moto", "pytest", "audio", "content", "scripts",
    }  # fmt: skip
    assert not any("__pycache__" in name for name in names)
    assert ".lock" not in names
    # The local tools beside the skill: the web service, the simulator, the model export.
    local_tools = ("skill/web/", "skill/simulator/", "skill/exports/")
    assert not [name for name in names if name.startswith(local_tools)]


@pytest.mark.slow
def test_the_bundle_is_under_the_size_limit(bundle: Bundle) -> None:
    check_size(bundle)

    assert 0 < bundle.size <= LIMIT_BYTES


@pytest.mark.slow
def test_a_bundle_over_the_limit_is_refused_with_its_size(bundle: Bundle) -> None:
    with pytest.raises(PackageError, match=r"MB zipped, over the"):
        check_size(bundle, limit=bundle.size - 1)


def test_the_bundle_takes_the_core_and_dynamodb_dependencies_but_not_boto3_or_the_content_loader(
) -> None:
    requirements = locked_requirements(ROOT)
    names = set(requirement_names(requirements))

    assert {"ask-sdk-core", "ask-sdk-dynamodb-persistence-adapter"} <= names
    # The skill reads its compiled guidebook.json, so content/'s YAML and pydantic stay behind.
    assert not names & {"boto3", "botocore", "s3transfer", "jmespath", "pydantic", "pyyaml"}


def test_every_dependency_is_pinned_with_its_hashes_from_the_lock() -> None:
    entries = re.split(r"\n(?=\S)", locked_requirements(ROOT).strip())

    assert entries
    for entry in entries:
        assert re.match(r"[A-Za-z0-9][\w.-]*==\S+", entry), entry
        assert "--hash=sha256:" in entry, entry


@pytest.mark.slow
def test_the_bundle_ships_the_whole_runtime_tree_and_nothing_else_of_the_project(
    names: set[str],
) -> None:
    runtime = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "skill" / "runtime").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    ours = {name for name in names if name.startswith("skill/")}

    assert ours == runtime | {"skill/__init__.py"}


@pytest.mark.slow
def test_the_same_lock_and_code_build_a_byte_identical_bundle(
    bundle: Bundle, tmp_path: Path
) -> None:
    manifest = tmp_path / "manifest.json"
    manifest.write_bytes(guide_manifest().to_json())

    again = build_bundle(tmp_path / "again.zip", python_version=LOCAL_PYTHON,
                         architecture=LOCAL_ARCHITECTURE, manifest=manifest)

    assert again.path.read_bytes() == bundle.path.read_bytes()


@pytest.mark.slow
def test_the_same_files_zip_to_a_byte_identical_bundle(bundle: Bundle, tmp_path: Path) -> None:
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(bundle.path) as archive:
        archive.extractall(unpacked)

    again = write_zip(unpacked, tmp_path / "again.zip")

    assert again.path.read_bytes() == bundle.path.read_bytes()


@pytest.fixture(scope="module")
def lambda_bundle(tmp_path_factory: pytest.TempPathFactory) -> Bundle:
    """The bundle as `make package` builds it: Lambda's Python and architecture."""
    return build_bundle(tmp_path_factory.mktemp("lambda") / "lambda.zip")


def test_the_bundle_for_lambda_holds_wheels_for_its_python_and_architecture_only(
    lambda_bundle: Bundle,
) -> None:
    machine = PLATFORMS[LAMBDA_ARCHITECTURE].split("-")[0]
    python = "cp" + LAMBDA_PYTHON.replace(".", "")
    with zipfile.ZipFile(lambda_bundle.path) as archive:
        tags = [line.removeprefix("Tag: ") for name in archive.namelist()
                if name.endswith(".dist-info/WHEEL")
                for line in archive.read(name).decode().splitlines() if line.startswith("Tag: ")]
        binaries = [name for name in archive.namelist() if name.endswith(".so")]

    built = [tag for tag in tags if not tag.endswith("-none-any")]
    assert all(machine in tag and tag.startswith(python) for tag in built), built
    assert all(machine in name for name in binaries), binaries
    assert lambda_bundle.size <= LIMIT_BYTES
