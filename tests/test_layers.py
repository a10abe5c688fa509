"""The layers of src/belarus_china import only the layers below them (README, "How it is made")."""

from __future__ import annotations

import ast

from conftest import ROOT

SRC = ROOT / "src" / "belarus_china"
# What each part may import from the package (itself always).
ALLOWED = {
    "base": {"base"},
    "contract": {"base"},
    "loader": {"base"},
    "curate": {"base", "contract"},
    "publish": {"base", "contract", "loader"},
    "browse": {"base", "contract", "loader", "publish"},
    "pipeline": {"base", "contract", "loader", "curate", "publish"},
    "cli": {"base", "contract", "loader", "curate", "publish", "browse", "pipeline"},
    # The package's face: the loader eagerly, the library functions lazily (import_module).
    "__init__": {"base", "contract", "loader", "curate", "publish", "browse", "pipeline", "cli"},
}


def _part(relative: str) -> str:
    return relative.split("/")[0].removesuffix(".py")


def _imported_parts(path, part: str, src=SRC) -> set[str]:
    """The top-level parts of the package a module imports (relative or absolute imports)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parts = path.relative_to(src).parts
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            package = list(parts[:-1])[: len(parts) - node.level]  # the package the dots climb to
            target = package + (node.module.split(".") if node.module else [])
            found.update([target[0]] if target else [alias.name for alias in node.names])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("belarus_china."):
            found.add(node.module.split(".")[1])
    return {name.removesuffix(".py") for name in found} - {part}


def test_each_layer_imports_only_the_layers_below_it():
    wrong = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        part = _part(relative)
        extra = _imported_parts(path, part) - ALLOWED[part]
        if extra:
            wrong.append(f"{relative} imports {sorted(extra)}")
    assert wrong == []


def test_the_layer_check_sees_an_import_that_breaks_the_rule(tmp_path):
    """A contract module importing the curation layer, relatively or absolutely, would be caught."""
    (tmp_path / "contract").mkdir()
    probe = tmp_path / "contract" / "probe.py"
    probe.write_text("from ..curate import records\nfrom belarus_china.publish.docs import codebook\n"
                     "from .registry import Registry\n", encoding="utf-8")
    assert _imported_parts(probe, "contract", src=tmp_path) == {"curate", "publish"}


# What reads the installed registry (or finds its folder): publish takes the registry it is handed.
_REGISTRY_READERS = {"load_registry", "read_registry", "registry_dir"}


def test_publish_reads_no_registry_it_was_not_handed():
    found = []
    for path in sorted((SRC / "publish").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
            names = [a.name for a in node.names] if isinstance(node, ast.ImportFrom) else [name]
            found += [f"{path.relative_to(SRC).as_posix()}: {n}" for n in names if n in _REGISTRY_READERS]
    assert found == []
