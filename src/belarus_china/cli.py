"""The `belarus-china` command: build, validate and inspect the data package.

A thin shell: each command parses its arguments, calls one library function and prints what it
returns. Exit codes: 0 ok, 1 invalid (problems reported), 2 usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .base.problems import Problem, ProblemsFound

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _print_problems(header: str, problems: list[Problem], stream=None) -> None:
    stream = stream or sys.stderr
    print(f"{header}: {len(problems)} problem(s)", file=stream)
    for problem in problems:
        print(f"  - {problem}", file=stream)


def _checkout(root: str) -> Path | None:
    path = Path(root).resolve()
    if not (path / "build").is_dir() or not (path / "raw").is_dir():
        print(f"{path} is not a belarus-china checkout (it needs raw/ and build/); use --root", file=sys.stderr)
        return None
    return path


def cmd_build(args) -> int:
    from .pipeline import build

    root = _checkout(args.root)
    if root is None:
        return EXIT_USAGE
    print(f"building {root}")
    try:
        result = build(root, use_frictionless=not args.no_frictionless, report=print)
    except ProblemsFound as exc:
        _print_problems(f"build failed in {exc.step}; nothing was published", exc.problems)
        return EXIT_INVALID
    print(result.summary())
    return EXIT_OK


def cmd_package(args) -> int:
    from .contract.validate import validate_package
    from .publish.descriptor import version
    from .publish.release import write_zip
    from .publish.workbook import write_workbook

    root = Path(args.root).resolve()
    problems = validate_package(root, use_frictionless=False)
    if problems:
        _print_problems("the published package is invalid; not packaging it", problems)
        return EXIT_INVALID
    out = Path(args.out) if args.out else root / "dist" / f"belarus-china-{version(root)}.zip"
    print(write_zip(root, out))
    print(write_workbook(root, out.with_suffix(".xlsx")))  # the spreadsheet beside the zip, from the same package
    return EXIT_OK


def cmd_diff(args) -> int:
    from .base.package_source import DataPackageError
    from .browse.diff import diff_packages, render

    try:
        print(render(diff_packages(args.old, args.new)))
    except DataPackageError as exc:
        print(exc, file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def cmd_audit(args) -> int:
    from .pipeline import audit_report

    root = _checkout(args.root)
    if root is None:
        return EXIT_USAGE
    try:
        table, complete = audit_report(root)
    except ProblemsFound as exc:
        _print_problems(f"cannot audit: {exc.step} failed", exc.problems)
        return EXIT_INVALID
    print(table)
    return EXIT_OK if complete else EXIT_INVALID


def cmd_validate(args) -> int:
    from .contract.validate import validate_package

    problems = validate_package(Path(args.package), use_frictionless=not args.no_frictionless)
    if args.json:
        print(json.dumps({"valid": not problems, "problems": [p.to_dict() for p in problems]}, indent=2,
                         ensure_ascii=False))
    elif problems:
        _print_problems(f"{args.package} is INVALID", problems, sys.stdout)
    else:
        print(f"{args.package} is valid")
    return EXIT_INVALID if problems else EXIT_OK


def cmd_tables(args) -> int:
    from . import loader

    for name in loader.tables(args.package):
        print(name)
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="belarus-china", description=__doc__.split("\n\n")[0])
    commands = main.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="raw + curated records -> validated tables -> publish datasets/")
    build.add_argument("--root", default=".", help="the checkout to build (default: current folder)")
    build.add_argument("--no-frictionless", action="store_true", help="skip the frictionless pass (faster)")
    build.set_defaults(func=cmd_build)

    audit = commands.add_parser("audit", help="coverage audit: candidate facts in raw/ covered, dismissed or not")
    audit.add_argument("--root", default=".", help="the checkout to audit (default: current folder)")
    audit.set_defaults(func=cmd_audit)

    validate = commands.add_parser("validate", help="validate a published package (folder, descriptor or zip)")
    validate.add_argument("package", nargs="?", default=".",
                          help="package folder, its datapackage.json, or a release zip (default: .)")
    validate.add_argument("--json", action="store_true", help="machine-readable report (each problem has a code)")
    validate.add_argument("--no-frictionless", action="store_true", help="skip the frictionless pass (faster)")
    validate.set_defaults(func=cmd_validate)

    package = commands.add_parser("package", help="write the release zip dist/belarus-china-<version>.zip and the "
                                                   "spreadsheet workbook beside it (.xlsx)")
    package.add_argument("--root", default=".", help="the published package to zip (default: current folder)")
    package.add_argument("--out", default=None, help="where to write the zip (the workbook goes beside it, as .xlsx)")
    package.set_defaults(func=cmd_package)

    diff = commands.add_parser("diff", help="rows and columns added, removed and changed between two packages")
    diff.add_argument("old", help="package folder, datapackage.json or release zip")
    diff.add_argument("new", help="package folder, datapackage.json or release zip")
    diff.set_defaults(func=cmd_diff)

    tables = commands.add_parser("tables", help="list the tables of the installed (or given) package")
    tables.add_argument("--package", default=None)
    tables.set_defaults(func=cmd_tables)

    from .browse.serve import add_cli as add_serve_cli  # imports nothing heavy until the command runs

    add_serve_cli(commands)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
