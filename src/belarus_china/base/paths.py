"""Where things are: the source checkout when the code runs from one, else the data the wheel carries."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

DESCRIPTOR = "datapackage.json"
CROISSANT = "croissant.json"  # the Croissant 1.1 description beside it (publish/croissant.py)
CITATION = "CITATION.cff"  # YAML: read only through base/safe_yaml.py (it may come from anyone)
_PACKAGE = Path(__file__).resolve().parent.parent  # src/belarus_china


def checkout_root() -> Path | None:
    """The repository root when this module is imported from a source checkout (src layout)."""
    root = _PACKAGE.parent.parent
    if (root / "pyproject.toml").is_file() and (root / "validation").is_dir():
        return root
    return None


def packaged_root() -> Path | None:
    """The package data a non-editable install carries (see pyproject's force-include)."""
    candidate = Path(str(resources.files("belarus_china"))) / "_package"
    return candidate if (candidate / DESCRIPTOR).is_file() else None


def default_package_dir() -> Path:
    """The published package `load()` reads when no other is named."""
    for root in (packaged_root(), checkout_root()):
        if root is not None and (root / DESCRIPTOR).is_file():
            return root
    raise FileNotFoundError(
        "no published data package found: neither the installed package data nor a source checkout "
        "holds datapackage.json (run `belarus-china build` in the checkout)"
    )


def registry_dir() -> Path:
    """The column registry of the running code: the contract every package is checked against."""
    for root in (checkout_root(), packaged_root()):
        if root is not None and (root / "validation" / "fields.yaml").is_file():
            return root / "validation"
    raise FileNotFoundError("the column registry (validation/fields.yaml) is missing from this installation")
