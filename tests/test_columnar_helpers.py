"""The loader's fast paths give what the plain ones give: list columns as Python lists, enumerations as
categories, and the descriptor nesting check as strict as a parser on valid JSON."""

import json
import random

import pyarrow as pa
import pytest

from belarus_china.base.codec import frame_from_arrow, python_lists
from belarus_china.base.safe_files import json_depth_exceeds

LIST = pa.list_(pa.string())


@pytest.mark.parametrize("column", [
    pa.chunked_array([pa.array([["a", "b"], None, [], ["c", None]], LIST)]),
    pa.chunked_array([pa.array([["a"], ["b", "c"], None, ["d"]], LIST).slice(1, 3), pa.array([], LIST)]),
    pa.chunked_array([], LIST),
    # a null list that still spans items (Arrow allows it) is missing
    pa.chunked_array([pa.ListArray.from_arrays(pa.array([0, 2, 4], pa.int32()), pa.array(["x", "y", "z", "w"]),
                                               mask=pa.array([False, True]))]),
])
def test_python_lists_are_what_to_pylist_gives(column):
    assert python_lists(column) == column.to_pylist()


def test_enumerations_become_the_registry_categories():
    schema = {"fields": [{"name": "kind", "type": "string", "constraints": {"enum": ["b", "a", "c"]}}]}
    values = pa.array(["a", None, "b", "a", "zz"]).dictionary_encode()
    frame = frame_from_arrow(pa.table({"kind": values}), schema, categories=True)
    assert list(frame["kind"].cat.categories) == ["b", "a", "c"]
    # a value outside the enumeration is missing, as a cast of the strings gives
    assert frame["kind"].isna().tolist() == [False, True, False, False, True]
    plain = frame_from_arrow(pa.table({"kind": values}), schema, categories=False)
    assert plain["kind"].tolist()[4] == "zz"


def _depth(value) -> int:
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    return 0


def _value(rng: random.Random, level: int):
    choice = rng.random()
    if level > 10 or choice < 0.3:  # strings full of brackets, quotes and backslashes
        return rng.choice(["a[", '}{"\\', "é]", "x", "\\\\", "[[[", '"']) * rng.randint(0, 3)
    if choice < 0.65:
        return [_value(rng, level + 1) for _ in range(rng.randint(0, 3))]
    return {f"k{rng.randint(0, 9)}[": _value(rng, level + 1) for _ in range(rng.randint(0, 3))}


def test_the_nesting_check_is_exact_on_valid_json():
    rng = random.Random(14)
    for _ in range(3000):
        value = _value(rng, 0)
        text = json.dumps(value, ensure_ascii=rng.random() < 0.5).encode("utf-8")
        depth = _depth(value)
        assert not json_depth_exceeds(text, depth)
        if depth:
            assert json_depth_exceeds(text, depth - 1)


def test_the_nesting_check_sees_a_deep_prefix_before_garbage():
    assert json_depth_exceeds(b'{"a": "\\"]]]", "b": ' + b"[" * 70 + b'\\"', 64)
    assert json_depth_exceeds(b"[" * 70 + b'"never closed', 64)
