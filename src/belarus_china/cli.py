"""The `belarus-china` command: build, validate and inspect the data package."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .problems import Problem, ProblemsFound

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _print_problems(header: str, problems: list[Problem], stream=None) -> None:
    stream = stream or sys.stderr
    print(f"{header}: {len(problems)} problem(s)", file=stream)
    for problem in problems:
        print(f"  - {problem}", file=stream)


def _summary(result, root: Path, frictionless: bool) -> str:
    from collections import Counter

    frames = result.frames
    width = max(len(name) for name in frames)
    lines = [f"published {root / 'datapackage.json'}"]
    lines += [f"  {name:<{width}}  {len(frame):>5} rows" for name, frame in frames.items()]
    audit = Counter(c.status for c in result.candidates)
    conflicts = int((frames["claims"]["agrees"] == False).sum())  # noqa: E712  (nullable boolean)
    lines += [
        f"evidence: {len(frames['evidence'])} excerpts, every offset verified against raw/",
        f"coverage audit: {len(result.candidates)} candidate facts: {audit['covered']} covered, "
        f"{audit['dismissed']} dismissed, {audit['uncovered']} uncovered",
        f"conflicts between sources: {conflicts}; inferred values: {len(frames['inferences'])}",
        "validation: passed (registry contract, cross-table rules, evidence offsets, raw checksums, CSV = Parquet"
        + (", frictionless)" if frictionless else "; frictionless skipped)"),
        "files: datasets/csv, datasets/parquet, docs/ (codebook, datasheet, coverage, charts), CITATION.cff; "
        "dist/belarus-china.sqlite for `belarus-china serve`",
    ]
    return "\n".join(lines)


def cmd_build(args) -> int:
    from .pipeline import build

    root = Path(args.root).resolve()
    if not (root / "build").is_dir() or not (root / "raw").is_dir():
        print(f"{root} is not a belarus-china checkout (it needs raw/ and build/); use --root", file=sys.stderr)
        return EXIT_USAGE
    print(f"building {root}")
    try:
        result = build(root, use_frictionless=not args.no_frictionless, report=print)
    except ProblemsFound as exc:
        _print_problems(f"build failed in {exc.step}; nothing was published", exc.problems)
        return EXIT_INVALID
    print(_summary(result, root, not args.no_frictionless))
    return EXIT_OK


def cmd_package(args) -> int:
    from .publish import version
    from .registry import load_registry
    from .release import write_zip
    from .validate import validate_package

    root = Path(args.root).resolve()
    problems = validate_package(root, load_registry(), use_frictionless=False)
    if problems:
        _print_problems("the published package is invalid; not packaging it", problems)
        return EXIT_INVALID
    out = Path(args.out) if args.out else root / "dist" / f"belarus-china-{version(root)}.zip"
    print(write_zip(root, out))
    return EXIT_OK


def cmd_diff(args) -> int:
    from .diff import diff_packages, render
    from .loader import DataPackageError

    try:
        print(render(diff_packages(args.old, args.new)))
    except DataPackageError as exc:
        print(exc, file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def cmd_audit(args) -> int:
    from collections import Counter

    from .assemble import assemble
    from .audit import KINDS, run_audit
    from .registry import read_registry

    root = Path(args.root).resolve()
    try:
        assembled = assemble(root, read_registry(root / "validation"))
    except ProblemsFound as exc:
        _print_problems(f"cannot audit: {exc.step} failed", exc.problems)
        return EXIT_INVALID
    candidates = run_audit(assembled, assembled.rows["actors"])
    statuses = ("covered", "dismissed", "uncovered")
    print(f"{'':<28}" + "".join(f"{s:>11}" for s in statuses))
    for label, key in [(f, "raw_file") for f in sorted(assembled.texts)] + [(k, "kind") for k in KINDS]:
        own = Counter(c.status for c in candidates if getattr(c, key) == label)
        print(f"{label:<28}" + "".join(f"{own[s]:>11}" for s in statuses))
    total = Counter(c.status for c in candidates)
    print(f"{'total':<28}" + "".join(f"{total[s]:>11}" for s in statuses))
    uncovered = [c for c in candidates if c.status == "uncovered"]
    for c in uncovered:
        print(f"UNCOVERED raw/{c.raw_file} chars {c.start}-{c.end} {c.kind}: {c.text!r}")
    return EXIT_INVALID if uncovered else EXIT_OK


def cmd_validate(args) -> int:
    import tempfile
    import zipfile

    from .package_files import PackageFileError, check_relative
    from .registry import load_registry
    from .validate import validate_package

    package_dir = Path(args.package)
    with tempfile.TemporaryDirectory() as unpacked:
        if zipfile.is_zipfile(package_dir):
            # A release zip is unpacked member by member, each name checked, never with extractall.
            with zipfile.ZipFile(package_dir) as archive:
                for name in archive.namelist():
                    try:
                        check_relative(name)
                    except PackageFileError as exc:
                        print(f"{package_dir}: refusing the zip: {exc}", file=sys.stderr)
                        return EXIT_INVALID
                    target = Path(unpacked) / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(archive.read(name))
            package_dir = Path(unpacked)
        elif package_dir.is_file():
            package_dir = package_dir.parent
        problems = validate_package(package_dir, load_registry(), use_frictionless=not args.no_frictionless)
    label = Path(args.package)
    if args.json:
        print(json.dumps({"valid": not problems, "problems": [p.to_dict() for p in problems]}, indent=2,
                         ensure_ascii=False))
    elif problems:
        _print_problems(f"{label} is INVALID", problems, sys.stdout)
    else:
        print(f"{label} is valid")
    return EXIT_INVALID if problems else EXIT_OK


def cmd_tables(args) -> int:
    from . import loader

    for name in loader.tables(args.package):
        print(name)
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="belarus-china", description=__doc__)
    commands = main.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="raw + curated records -> validated tables -> publish datasets/")
    build.add_argument("--root", default=".", help="the checkout to build (default: current folder)")
    build.add_argument("--no-frictionless", action="store_true", help="skip the frictionless pass (faster)")
    build.set_defaults(func=cmd_build)

    audit = commands.add_parser("audit", help="coverage audit: candidate facts in raw/ covered, dismissed or not")
    audit.add_argument("--root", default=".", help="the checkout to audit (default: current folder)")
    audit.set_defaults(func=cmd_audit)

    validate = commands.add_parser("validate", help="validate a published package folder")
    validate.add_argument("package", nargs="?", default=".",
                          help="package folder, its datapackage.json, or a release zip (default: .)")
    validate.add_argument("--json", action="store_true", help="machine-readable report")
    validate.add_argument("--no-frictionless", action="store_true", help="skip the frictionless pass (faster)")
    validate.set_defaults(func=cmd_validate)

    package = commands.add_parser("package", help="write the release zip dist/belarus-china-<version>.zip")
    package.add_argument("--root", default=".", help="the published package to zip (default: current folder)")
    package.add_argument("--out", default=None, help="where to write the zip")
    package.set_defaults(func=cmd_package)

    diff = commands.add_parser("diff", help="rows and columns added, removed and changed between two packages")
    diff.add_argument("old", help="package folder, datapackage.json or release zip")
    diff.add_argument("new", help="package folder, datapackage.json or release zip")
    diff.set_defaults(func=cmd_diff)

    tables = commands.add_parser("tables", help="list the tables of the installed (or given) package")
    tables.add_argument("--package", default=None)
    tables.set_defaults(func=cmd_tables)

    from .serve import add_cli as add_serve_cli  # imports nothing heavy until the command runs

    add_serve_cli(commands)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
