"""A correctly curated new document keeps the corpus tests green.

The tests that assert the corpus's content read their expectations from the data (the sources, the
manifest, the tables), so a document added by following the guide (build/README.md, "Adding a
document") must not break them. Here a made-up sixth document, a wire story about the second
trip, is added to a copy with `add`, curated as the guide says and built; then every corpus test that
takes only a built package (and the registry) runs again on the grown package."""

from __future__ import annotations

import inspect
import shutil

import pytest
import test_analyst
import test_dates
import test_event_export
import test_foundation
import test_interop
import test_views
from test_adding_a_document import SECOND_TRIP, WIRE, _curation

from belarus_china.curate.add import add_document
from belarus_china.loader import load
from belarus_china.pipeline import build

MODULES = (test_foundation, test_analyst, test_views, test_interop, test_event_export, test_dates)
PARAMETERS = {"built_package", "registry"}


def _corpus_tests():
    """Every test of MODULES that takes a built package and nothing a test of the machinery would: the tests
    that compare with the committed files of the checkout (ROOT's datasets/) are left out, since the grown
    copy is meant to differ from them."""
    found = []
    for module in MODULES:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            parameters = set(inspect.signature(function).parameters)
            if (name.startswith("test_") and function.__module__ == module.__name__
                    and "built_package" in parameters and parameters <= PARAMETERS
                    and "ROOT" not in inspect.getsource(function)):
                found.append(pytest.param(function, id=f"{module.__name__}.{name}"))
    return found


@pytest.fixture(scope="module")
def grown_package(tmp_path_factory, built_package):
    root = tmp_path_factory.mktemp("grown") / "project"
    shutil.copytree(built_package, root)
    document = root.parent / "wire.txt"
    document.write_text(WIRE, encoding="utf-8")
    added = add_document(root, document, doc_kind="news")
    (root / added.curation_file).write_text(_curation(added.raw_file, SECOND_TRIP), encoding="utf-8")
    build(root, use_frictionless=False)
    return root


def test_the_grown_package_has_one_source_more(grown_package, built_package):
    assert len(load("sources", grown_package)) == len(load("sources", built_package)) + 1


def test_the_corpus_tests_found_are_many():
    assert len(_corpus_tests()) >= 20  # the selection above must not silently shrink to nothing


@pytest.mark.parametrize("corpus_test", _corpus_tests())
def test_a_corpus_test_holds_on_the_grown_package(corpus_test, grown_package, registry):
    arguments = {"built_package": grown_package, "registry": registry}
    corpus_test(**{name: arguments[name] for name in inspect.signature(corpus_test).parameters})
