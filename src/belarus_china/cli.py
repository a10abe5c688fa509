"""The `belarus-china` command: build, validate and inspect the data package.

A thin shell: each command parses its arguments, calls one library function and prints what it
returns. Exit codes: 0 ok, 1 invalid (problems reported), 2 usage (including an optional dependency
that is not installed: the message names the extra that brings it).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from importlib import metadata
from pathlib import Path

from .base.problems import Problem, ProblemsFound
from .base.terminal import shown

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _print_problems(header: str, problems: list[Problem], stream=None) -> None:
    stream = stream or sys.stderr
    print(f"{header}: {len(problems)} problem(s)", file=stream)
    for problem in problems:
        print(f"  - {problem}", file=stream)


def _print_lines(text: str) -> None:
    """A report that quotes curated or package text (the build summary's merge review, the audit's
    candidates from raw documents): each of its lines printed with control characters escaped."""
    print("\n".join(shown(line) for line in text.split("\n")))


def _note(message: str) -> None:
    print(f"note: {message}", file=sys.stderr)


def _lock_timeout(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if not 0 <= seconds < float("inf"):
        raise argparse.ArgumentTypeError("the lock timeout is a number of seconds, 0 or more")
    return seconds


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
        result = build(root, use_frictionless=not args.no_frictionless, report=print, lock_timeout=args.lock_timeout)
    except ProblemsFound as exc:
        incomplete = any(p.code == "publish-incomplete" for p in exc.problems)
        _print_problems(f"build failed in {exc.step}; " + ("publishing was interrupted and is not finished" if incomplete
                                                          else "nothing was published"), exc.problems)
        return EXIT_INVALID
    _print_lines(result.summary())
    return EXIT_OK


def cmd_add(args) -> int:
    from datetime import date

    from .curate.add import add_document

    root = _checkout(args.root)
    if root is None:
        return EXIT_USAGE
    try:
        retrieved_on = date.fromisoformat(args.retrieved_on) if args.retrieved_on else None
    except ValueError:
        print(f"--retrieved-on {args.retrieved_on!r} is not a date (YYYY-MM-DD)", file=sys.stderr)
        return EXIT_USAGE
    try:
        added = add_document(root, Path(args.path), language=args.language, doc_kind=args.kind,
                             retrieved_from=args.retrieved_from, retrieved_on=retrieved_on, partial=args.partial)
    except ProblemsFound as exc:
        _print_problems("nothing was added", exc.problems)
        return EXIT_INVALID
    print(added.next_steps())
    return EXIT_OK


def cmd_package(args) -> int:
    from .contract.validate import validate_package
    from .publish.descriptor import checkout_version
    from .publish.release import check_out_path, write_zip
    from .publish.workbook import WorkbookError, write_workbook

    root = Path(args.root).resolve()
    try:
        package_version = checkout_version(root)
    except ProblemsFound as exc:
        _print_problems("nothing was packaged", exc.problems)
        return EXIT_USAGE
    out = Path(args.out) if args.out else root / "dist" / f"belarus-china-{package_version}.zip"
    try:
        check_out_path(root, out)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    problems = validate_package(root, use_frictionless=False)
    if problems:
        _print_problems("the published package is invalid; not packaging it", problems)
        return EXIT_INVALID
    try:
        print(write_zip(root, out))
    except ProblemsFound as exc:
        _print_problems("not packaging it", exc.problems)
        return EXIT_INVALID
    try:
        print(write_workbook(root, out.with_suffix(".xlsx")))  # the spreadsheet beside the zip, from the same package
    except WorkbookError as exc:
        print(f"the workbook was not written: {shown(exc)}" + (f" [{exc.code}]" if exc.code else ""), file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def cmd_diff(args) -> int:
    from .base.package_source import DataPackageError
    from .browse.diff import diff_packages, render

    try:
        print(render(diff_packages(args.old, args.new)))
    except DataPackageError as exc:
        print(f"{shown(exc)} [{exc.code}]", file=sys.stderr)
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
    _print_lines(table)
    return EXIT_OK if complete else EXIT_INVALID


def cmd_validate(args) -> int:
    from .contract.validate import validate_package

    problems = validate_package(Path(args.package), use_frictionless=not args.no_frictionless)
    if args.json:
        print(json.dumps({"valid": not problems, "problems": [p.to_dict() for p in problems]},
                         indent=2, ensure_ascii=False))
    elif problems:
        _print_problems(f"{args.package} is INVALID", problems, sys.stdout)
    else:
        print(f"{args.package} is valid")
    return EXIT_INVALID if problems else EXIT_OK


def cmd_tables(args) -> int:
    from . import loader

    try:
        names = loader.tables(args.package)
    except loader.DataPackageError as exc:
        print(f"{shown(exc)} [{exc.code}]", file=sys.stderr)
        return EXIT_INVALID
    for name in names:
        print(shown(name))
    return EXIT_OK


DISTRIBUTION = "belarus-china"


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _extras() -> dict[str, set[str]]:
    """Each extra of the installed distribution -> the distributions it adds (from its metadata, which
    pyproject.toml's optional-dependencies become)."""
    try:
        requirements = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        return {}
    extras: dict[str, set[str]] = {}
    for requirement in requirements:
        marker = re.search(r"""extra\s*==\s*['"]([^'"]+)['"]""", requirement)
        name = re.match(r"[A-Za-z0-9._-]+", requirement)
        if marker and name:
            extras.setdefault(marker.group(1), set()).add(_normal(name.group(0)))
    return extras


def missing_dependency(error: ModuleNotFoundError, command: str, preferred: str | None) -> str | None:
    """What to tell a user whose command needs a module an extra would have installed; None when the
    module belongs to no extra (a broken installation, shown as it is)."""
    module = _normal((error.name or "").split(".")[0])
    if not module:
        return None
    extras = _extras()
    offering = {extra for extra, names in extras.items() if module in names}
    if not offering:
        return None
    if preferred in offering:
        extra = preferred
    else:  # the smallest extra that brings it (a development extra only if nothing else does)
        extra = min(offering, key=lambda e: (e == "test", len(extras[e]), e))
    return (f"belarus-china {command} needs {error.name}, which is not installed: it comes with the [{extra}] extra.\n"
            f"  pip install '{DISTRIBUTION}[{extra}]'    (from a checkout: pip install '.[{extra}]')")


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="belarus-china", description=__doc__.split("\n\n")[0])
    commands = main.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="raw + curated records -> validated tables -> publish datasets/")
    build.add_argument("--root", default=".", help="the checkout to build (default: current folder)")
    build.add_argument("--no-frictionless", action="store_true", help="skip the frictionless pass (faster)")
    build.add_argument("--lock-timeout", type=_lock_timeout, default=300.0, metavar="SECONDS",
                       help="how long to wait for another build in the same folder (default: 300; 0: do not wait)")
    build.set_defaults(func=cmd_build, extra="build")

    add = commands.add_parser(
        "add", help="add a document: copy it into raw/, record its checksum, start its curation file",
        description="Copy a UTF-8 text file into raw/ as NNN_<16 hex of its SHA-256>.txt, append its line to "
                    "raw/SHA256SUMS, and write build/<that name>.yaml with the source block and, as comments, every "
                    "candidate fact the coverage audit finds in it. Refuses a document already in raw/ (same bytes). "
                    "Then: fill in the source block, curate or dismiss the candidates (`belarus-china audit`), "
                    "`belarus-china build`. build/README.md, \"Adding a document\", walks through it.")
    add.add_argument("path", help="the document, as UTF-8 text (convert a web page or PDF to text first)")
    add.add_argument("--root", default=".", help="the checkout to add it to (default: current folder)")
    add.add_argument("--language", default="en", help="the document's language, ISO 639-1 (default: en)")
    add.add_argument("--kind", default=None, help="what kind of document it is (doc_kind; see docs/codebook.md)")
    add.add_argument("--retrieved-from", default=None, metavar="URL", help="the address the copy was taken from")
    add.add_argument("--retrieved-on", default=None, metavar="YYYY-MM-DD", help="the day the copy was taken")
    add.add_argument("--partial", "--excerpt", action="store_true",
                     help="the copy is only part of the document (an excerpt or truncated copy)")
    add.set_defaults(func=cmd_add, extra="build")

    audit = commands.add_parser("audit", help="coverage audit: candidate facts in raw/ covered, dismissed or not")
    audit.add_argument("--root", default=".", help="the checkout to audit (default: current folder)")
    audit.set_defaults(func=cmd_audit, extra="build")

    validate = commands.add_parser("validate", help="validate a published package (folder, descriptor or zip)")
    validate.add_argument("package", nargs="?", default=".",
                          help="package folder, its datapackage.json, or a release zip (default: .)")
    validate.add_argument("--json", action="store_true", help="machine-readable report (each problem has a code)")
    validate.add_argument("--no-frictionless", action="store_true", help="skip the frictionless pass (faster)")
    validate.set_defaults(func=cmd_validate, extra="build")

    package = commands.add_parser("package", help="write the release zip dist/belarus-china-<version>.zip and the "
                                                   "spreadsheet workbook beside it (.xlsx)")
    package.add_argument("--root", default=".", help="the published package to zip (default: current folder)")
    package.add_argument("--out", default=None, help="where to write the zip (not inside raw/, datasets/, docs/, build/ "
                         "or validation/); the workbook goes beside it, as .xlsx")
    package.set_defaults(func=cmd_package, extra="build")

    diff = commands.add_parser("diff", help="rows and columns added, removed and changed between two packages")
    diff.add_argument("old", help="package folder, datapackage.json or release zip")
    diff.add_argument("new", help="package folder, datapackage.json or release zip")
    diff.set_defaults(func=cmd_diff)

    tables = commands.add_parser("tables", help="list the tables of the installed (or given) package")
    tables.add_argument("--package", default=None)
    tables.set_defaults(func=cmd_tables)

    from .browse.serve import add_cli as add_serve_cli  # imports nothing heavy until the command runs

    add_serve_cli(commands).set_defaults(extra="serve")
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except ModuleNotFoundError as exc:  # an optional dependency: say which extra brings it
        message = missing_dependency(exc, args.command, getattr(args, "extra", None))
        if message is None:
            raise
        print(message, file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
