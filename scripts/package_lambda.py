"""`make package`: the skill's AWS Lambda bundle, `dist/lambda.zip`.

The bundle holds `skill/__init__.py` and the whole `skill/runtime/` tree (with the guide it
speaks, compiled into skill/runtime/guidebook.json), and the runtime's dependencies exactly as
uv.lock pins them, with their hashes, built for Lambda's platform: no audio stack, no Flask, and
not boto3, which the Lambda runtime already provides. The same lock and code give the same bytes.

    python -m scripts.package_lambda [--out dist/lambda.zip] [--architecture arm64|x86_64]
                                     [--manifest PATH]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "dist" / "lambda.zip"
LAMBDA_PYTHON = "3.12"  # the runtime infra/template.yaml asks for
# The function's architecture, as infra/template.yaml's Architectures names it (a test holds
# them equal): arm64 costs a fifth less per GB-second (README, "Benchmarks").
LAMBDA_ARCHITECTURE = "arm64"
# uv's --python-platform for the wheels each of Lambda's architectures runs.
PLATFORMS = {"arm64": "aarch64-manylinux2014", "x86_64": "x86_64-manylinux2014"}
LIMIT_BYTES = 10_000_000
# Lambda's Python runtimes ship boto3 and what it alone needs.
PROVIDED_BY_LAMBDA = ("boto3", "botocore", "s3transfer", "jmespath")
# The project's extras the skill uses on Lambda, besides its core dependencies.
LAMBDA_EXTRAS = ("aws",)
# What ships of the project: the package's (tiny) __init__ and the runtime's whole tree.
SOURCES = (Path("skill/__init__.py"), Path("skill/runtime"))
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


def uv_command() -> str:
    """The uv that installs the project: $UV (set by the Makefile and by `uv run`), else the one
    the Makefile bootstraps into .uv/, else PATH's."""
    bootstrapped = ROOT / ".uv" / "bin" / "uv"
    uv = os.environ.get("UV") or (
        str(bootstrapped) if bootstrapped.exists() else shutil.which("uv")
    )
    if not uv or not Path(uv).exists():
        raise PackageError("uv is not installed; `make package` installs it and builds the bundle")
    return uv


def _run_uv(arguments: Sequence[str], root: Path, doing: str) -> str:
    # Bytecode in the bundle would make it depend on the build machine; Lambda compiles its own.
    environment = {k: v for k, v in os.environ.items() if k != "UV_COMPILE_BYTECODE"}
    result = subprocess.run(
        [uv_command(), *arguments],
        capture_output=True, text=True, cwd=root, env=environment, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines()
        errors = [line.removeprefix("error: ") for line in lines if line.startswith("error:")]
        raise PackageError(f"uv could not {doing}: {' '.join(errors or lines[-2:])}")
    return result.stdout


def locked_requirements(root: Path = ROOT) -> str:
    """The runtime's dependencies as uv.lock pins them, with hashes: the core dependencies and
    the Lambda extras, less what the Lambda runtime provides."""
    extras = [option for extra in LAMBDA_EXTRAS for option in ("--extra", extra)]
    provided = [option for name in PROVIDED_BY_LAMBDA for option in ("--no-emit-package", name)]
    return _run_uv(
        ["export", "--frozen", "--format", "requirements-txt", "--no-emit-project", "--no-dev",
         "--no-header", "--no-annotate", *extras, *provided],
        root,
        "export the runtime's dependencies from uv.lock",
    )  # fmt: skip


def requirement_names(requirements: str) -> tuple[str, ...]:
    """The distributions a requirements file pins: `ask-sdk-core` for `ask-sdk-core==1.19.0`."""
    pins = re.finditer(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", requirements, flags=re.MULTILINE)
    return tuple(match.group(1).lower() for match in pins)


def install_requirements(
    requirements: str, target: Path, python_version: str, root: Path = ROOT,
    architecture: str = LAMBDA_ARCHITECTURE,
) -> None:
    """Install exactly the pinned wheels, checked against their hashes, for Lambda's platform
    on this architecture and this Python version; nothing else is resolved or fetched
    (--no-deps)."""
    platform = PLATFORMS[architecture]
    listing = target.parent / "requirements.txt"
    listing.write_text(requirements, encoding="utf-8")
    _run_uv(
        ["pip", "install", "--quiet", "--python", sys.executable, "--target", str(target),
         "--no-deps", "--require-hashes",
         "--python-platform", platform, "--python-version", python_version,
         "--only-binary", ":all:", "--link-mode", "copy", "--requirements", str(listing)],
        root,
        f"install the skill's dependencies (check the connection to the package index, and that "
        f"each publishes a wheel for {platform} and Python {python_version})",
    )  # fmt: skip
    (target / ".lock").unlink(missing_ok=True)  # uv's lock on the folder while it installs


def runtime_files(root: Path) -> list[Path]:
    """The project's files that ship, relative to root: skill/__init__.py and every file of
    skill/runtime/ (the compiled guide included), without bytecode caches."""
    files: set[Path] = set()
    for source in SOURCES:
        path = root / source
        found = path.rglob("*") if path.is_dir() else [path]
        files.update(
            p.relative_to(root) for p in found if p.is_file() and "__pycache__" not in p.parts
        )
    return sorted(files)


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
    architecture: str = LAMBDA_ARCHITECTURE,
    manifest: Path | None = None,
    root: Path = ROOT,
) -> Bundle:
    """Install the locked runtime dependencies for one of Lambda's architectures, add the
    runtime (and a manifest), zip it."""
    with tempfile.TemporaryDirectory(prefix="lambda-bundle-") as scratch:
        staging = Path(scratch) / "bundle"
        staging.mkdir()
        install_requirements(locked_requirements(root), staging, python_version, root,
                             architecture)
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
        "--architecture",
        choices=sorted(PLATFORMS),
        default=LAMBDA_ARCHITECTURE,
        help=f"The function's architecture (default {LAMBDA_ARCHITECTURE}, the template's).",
    )
    parser.add_argument(
        "--manifest",
        type=Path,
        help="A manifest.json to bundle, for a function configured to read it from its own files.",
    )
    args = parser.parse_args(argv)
    try:
        bundle = build_bundle(args.out, python_version=args.python_version,
                              architecture=args.architecture, manifest=args.manifest)
        print(bundle.describe())
        check_size(bundle)
    except (PackageError, OSError) as error:
        raise SystemExit(f"make package: {error}") from None
    return 0


if __name__ == "__main__":
    sys.exit(main())
