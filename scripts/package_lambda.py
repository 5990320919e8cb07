"""`make package`: the skill's AWS Lambda bundle, `dist/lambda.zip`.

The bundle holds the skill (with the guide it speaks, compiled into skill/runtime/guidebook.json) and
the project's runtime dependencies built for Lambda's platform, and nothing else: no audio
stack, no Flask, and not boto3, which the Lambda runtime already provides.

    python -m scripts.package_lambda [--out dist/lambda.zip] [--manifest PATH]
"""

from __future__ import annotations

import argparse
import modulefinder
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "dist" / "lambda.zip"
LAMBDA_PYTHON = "3.12"  # the runtime infra/template.yaml asks for
LAMBDA_PLATFORMS = ("manylinux2014_x86_64",)
LIMIT_BYTES = 10_000_000
# Lambda's Python runtimes ship boto3 and what it alone needs.
PROVIDED_BY_LAMBDA = frozenset({"boto3", "botocore", "s3transfer", "jmespath"})
# The project's extras the skill uses on Lambda, besides its core dependencies.
LAMBDA_EXTRAS = ("aws",)
# The Lambda handler's module: the bundle holds the project's modules it imports, directly or
# not, and nothing of the local tools beside it (web service, simulator, model export).
ENTRY = Path("skill/runtime/lambda_function.py")
PROJECT_PACKAGE = "skill"
# The guide the skill speaks, compiled from content/ so neither YAML nor pydantic loads.
DATA_FILES = (Path("skill/runtime/guidebook.json"),)
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can record: equal code, equal bundle


class PackageError(RuntimeError):
    """The bundle could not be built, or came out too large."""


@dataclass(frozen=True)
class Bundle:
    """A written bundle: where it is, its zipped size and how many files it holds."""

    path: Path
    size: int
    files: int

    def describe(self) -> str:
        """One line for the person who ran the build."""
        here = Path.cwd()
        shown = self.path.relative_to(here) if self.path.is_relative_to(here) else self.path
        return (
            f"{shown}: {self.size / 1e6:.1f} MB zipped ({self.size:,} bytes, "
            f"{self.files:,} files; limit {LIMIT_BYTES / 1e6:.0f} MB)"
        )


def normalize_name(name: str) -> str:
    """A distribution name as package indexes compare them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    """The distribution a requirement string names, e.g. `pydantic` for `pydantic>=2.6`."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    if match is None:
        raise PackageError(f"pyproject.toml: cannot read the requirement {requirement!r}")
    return normalize_name(match.group(1))


def runtime_requirements(pyproject: Path) -> tuple[str, ...]:
    """The core dependencies and the Lambda extras, less what the Lambda runtime provides."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    extras = project.get("optional-dependencies", {})
    wanted = [*project.get("dependencies", ())]
    for extra in LAMBDA_EXTRAS:
        wanted.extend(extras.get(extra, ()))
    return tuple(r for r in wanted if requirement_name(r) not in PROVIDED_BY_LAMBDA)


def install_requirements(requirements: Sequence[str], target: Path, python_version: str) -> None:
    """`pip install --target` wheels built for Lambda's platform and this Python version."""
    platforms = [option for p in LAMBDA_PLATFORMS for option in ("--platform", p)]
    command = [
        sys.executable, "-m", "pip", "install", "--quiet", "--no-compile",
        "--target", str(target), *platforms, "--implementation", "cp",
        "--python-version", python_version, "--only-binary=:all:", *requirements,
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines()
        errors = [line.removeprefix("ERROR: ") for line in lines if line.startswith("ERROR:")]
        raise PackageError(
            f"pip could not install the skill's dependencies: {' '.join(errors or lines[-2:])}; "
            f"check the connection to the package index, and that each dependency publishes a "
            f"wheel for {', '.join(LAMBDA_PLATFORMS)} and Python {python_version}"
        )


def prune_distributions(target: Path, names: Iterable[str]) -> tuple[str, ...]:
    """Delete every installed distribution named here, file by file from its RECORD."""
    unwanted = {normalize_name(name) for name in names}
    removed = []
    for info in sorted(target.glob("*.dist-info")):
        name = normalize_name(info.name.removesuffix(".dist-info").rsplit("-", 1)[0])
        if name not in unwanted:
            continue
        for line in (info / "RECORD").read_text(encoding="utf-8").splitlines():
            path = target / line.rsplit(",", 2)[0]
            if path.is_file():
                path.unlink()
        shutil.rmtree(info, ignore_errors=True)
        removed.append(name)
    for directory in sorted(target.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if directory.is_dir() and not any(directory.iterdir()):
            directory.rmdir()
    return tuple(removed)


def runtime_files(root: Path) -> list[Path]:
    """The project's files the Lambda handler needs, relative to root: every module of ours
    its imports reach (function-level imports included), and the compiled guide."""
    finder = modulefinder.ModuleFinder(path=[str(root)])
    finder.run_script(str(root / ENTRY))
    modules = {
        Path(module.__file__).relative_to(root)
        for name, module in finder.modules.items()
        if module.__file__ and name.split(".")[0] in ("__main__", PROJECT_PACKAGE)
    }
    return sorted(modules | set(DATA_FILES))


def copy_sources(root: Path, target: Path) -> None:
    """Copy the project's files the skill runs."""
    for relative in runtime_files(root):
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / relative, target / relative)


def write_zip(directory: Path, out: Path) -> Bundle:
    """Zip a directory reproducibly: sorted names, fixed times, plain read permissions."""
    out.parent.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in directory.rglob("*") if p.is_file())
    with zipfile.ZipFile(out, "w") as archive:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(directory).as_posix(), _FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes(), compresslevel=9)
    return Bundle(out, out.stat().st_size, len(files))


def check_size(bundle: Bundle, limit: int = LIMIT_BYTES) -> None:
    """Fail when the zipped bundle has grown past the limit."""
    if bundle.size > limit:
        raise PackageError(
            f"{bundle.path} is {bundle.size / 1e6:.1f} MB zipped, over the "
            f"{limit / 1e6:.0f} MB limit; keep the skill's dependencies to what it imports"
        )


def build_bundle(
    out: Path = DEFAULT_OUT,
    *,
    python_version: str = LAMBDA_PYTHON,
    manifest: Path | None = None,
    root: Path = ROOT,
) -> Bundle:
    """Install the runtime dependencies, add the project's code (and a manifest), zip it."""
    with tempfile.TemporaryDirectory(prefix="lambda-bundle-") as scratch:
        staging = Path(scratch)
        install_requirements(runtime_requirements(root / "pyproject.toml"), staging, python_version)
        prune_distributions(staging, PROVIDED_BY_LAMBDA)
        shutil.rmtree(staging / "bin", ignore_errors=True)
        copy_sources(root, staging)
        if manifest is not None:
            shutil.copy2(manifest, staging / "manifest.json")
        return write_zip(staging, out)


def main(argv: Sequence[str] | None = None) -> int:
    """Build the bundle and report its size; exit 1 when it is over the limit."""
    parser = argparse.ArgumentParser(
        prog="python -m scripts.package_lambda",
        description="Build the skill's AWS Lambda bundle with only its runtime dependencies.",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="Where to write the zip.")
    parser.add_argument(
        "--python-version",
        default=LAMBDA_PYTHON,
        help=f"Python version to fetch dependencies for (default {LAMBDA_PYTHON}, Lambda's).",
    )
    parser.add_argument(
        "--manifest",
        type=Path,
        help="A manifest.json to bundle, for a function configured to read it from its own files.",
    )
    args = parser.parse_args(argv)
    try:
        bundle = build_bundle(args.out, python_version=args.python_version, manifest=args.manifest)
        print(bundle.describe())
        check_size(bundle)
    except (PackageError, OSError) as error:
        raise SystemExit(f"make package: {error}") from None
    return 0


if __name__ == "__main__":
    sys.exit(main())
