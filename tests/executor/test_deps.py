"""Dependency results: copy on read, isolation between calls, dict behaviour."""

from __future__ import annotations

import copy
import json
import pickle

import pytest

from tasker_ctl.executor.deps import FULL_COPY_LIMIT, AncestorSet, DependencyResults


def ancestors(count: int) -> tuple[AncestorSet, dict[str, str]]:
    found = AncestorSet()
    texts: dict[str, str] = {}
    for i in range(count):
        entry = {"result": {"n": i, "items": [i]}, "success": True, "status": "completed"}
        found.add(f"s{i}", entry)
        texts[f"s{i}"] = json.dumps(entry)
    return found, texts


@pytest.fixture(params=[3, FULL_COPY_LIMIT + 5], ids=["small", "large"])
def size(request: pytest.FixtureRequest) -> int:
    return int(request.param)


def test_reads_are_private_copies(size: int) -> None:
    source, texts = ancestors(size)
    view = DependencyResults(source, texts)
    view["s1"]["result"]["items"].append("mutated")
    assert view["s1"]["result"]["items"] == [1, "mutated"]  # the same call sees its change
    assert source.entries["s1"]["result"]["items"] == [1]  # the shared original does not
    assert DependencyResults(source, texts)["s1"]["result"]["items"] == [1]  # nor the next call


def test_behaves_like_a_dict(size: int) -> None:
    source, texts = ancestors(size)
    view = DependencyResults(source, texts)
    assert isinstance(view, dict)
    assert len(view) == size and list(view)[:2] == ["s0", "s1"]
    assert "s2" in view and "zz" not in view
    assert view.get("zz", "default") == "default"
    with pytest.raises(KeyError):
        view["zz"]
    plain = {f"s{i}": json.loads(texts[f"s{i}"]) for i in range(size)}
    assert view == plain and dict(view) == plain and {**view} == plain
    assert json.loads(json.dumps(view)) == plain
    assert copy.deepcopy(view) == plain and type(copy.deepcopy(view)) is dict
    assert pickle.loads(pickle.dumps(view)) == plain
    assert set(view.keys()) == set(plain) and len(view.items()) == size
    assert (view | {"x": 1})["x"] == 1


def test_local_writes_and_deletes(size: int) -> None:
    source, texts = ancestors(size)
    view = DependencyResults(source, texts)
    del view["s0"]
    view["extra"] = {"result": 1}
    assert "s0" not in view and view["extra"] == {"result": 1} and len(view) == size
    assert view.pop("extra") == {"result": 1} and "extra" not in view
    view.setdefault("s1", None)
    view.update({"s2": "replaced"})
    assert view["s2"] == "replaced"
    assert json.loads(json.dumps(view))["s2"] == "replaced"
    view.clear()
    assert len(view) == 0 and not view
    assert "s0" in source.entries


def test_a_view_never_sees_ancestors_added_later(size: int) -> None:
    source, texts = ancestors(size)
    view = DependencyResults(source, texts)
    source.add("late", {"result": {}})
    texts["late"] = "{}"
    assert "late" not in view and len(view) == size


def test_ancestor_sets_merge_and_copy() -> None:
    first, _ = ancestors(3)
    second = AncestorSet()
    second.add("s2", {"other": True})
    second.add("t", {"result": {}})
    merged = first.copy()
    merged.merge(second)
    assert list(merged.entries) == ["s0", "s1", "s2", "t"]
    assert merged.entries["s2"] is first.entries["s2"]  # the first one wins, no duplicates
    assert len(first) == 3
