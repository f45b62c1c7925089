"""Property: whatever small Tera template and values a plugin brings, the engine answers
with output or one of its own clear errors, never an internal exception."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tasker_ctl.scaffold.tera import RenderBudget, TemplateSet, TeraError

NAMES = ["a", "b", "items", "obj", "missing"]
FILTERS = [
    "upper", "lower", "length", "reverse", "first", "last", "sort", "unique", "join(sep=',')",
    "slugify", "title", "capitalize", "trim", "round", "abs", "int", "float", "json_encode",
    "as_str", "truncate(length=2)", "replace(from='a', to='b')", "split(pat=',')", "wordcount",
    "default(value=1)", "snake_case", "pascal_case", "escape", "urlencode", "indent",
    "nth(n=1)", "slice(start=1)", "concat(with=1)", "pluralize", "filesizeformat", "date",
    "map(attribute='k')", "group_by(attribute='k')", "filter(attribute='k')", "get(key='k')",
]  # fmt: skip
TESTS = ["defined", "odd", "even", "string", "number", "iterable", "object",
         "containing('a')", "starting_with('a')", "matching('^a+$')", "divisibleby(2)"]  # fmt: skip

values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(["k", "x"]), inner, max_size=2)
    ),
    max_leaves=8,
)

atoms = st.one_of(
    st.sampled_from(NAMES),
    st.integers(-5, 5).map(str),
    st.sampled_from(["1.5", "'a,b'", '"x"', "true", "[1, 'a']", "range(end=3)", "a.k", "items[0]"]),
)


@st.composite
def expressions(draw: st.DrawFn, depth: int = 0) -> str:
    expr = draw(atoms)
    if depth < 2 and draw(st.booleans()):
        op = draw(st.sampled_from(["+", "-", "*", "/", "%", "==", "<", "and", "or", "in", "~"]))
        expr = f"{expr} {op} {draw(expressions(depth + 1))}"
    for name in draw(st.lists(st.sampled_from(FILTERS), max_size=2)):
        expr = f"{expr} | {name}"
    if draw(st.booleans()):
        expr = f"{draw(st.sampled_from(NAMES))} is {draw(st.sampled_from(TESTS))}"
    return f"not {expr}" if draw(st.booleans()) else expr


@st.composite
def templates(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["text", "var", "if", "for", "set", "raw", "junk"]))
        if kind == "text":
            parts.append(draw(st.text(alphabet="ab {}%#-\n", max_size=6)))
        elif kind == "var":
            parts.append(f"{{{{ {draw(expressions())} }}}}")
        elif kind == "set":
            word = draw(st.sampled_from(["set", "set_global"]))
            parts.append(f"{{% {word} {draw(st.sampled_from(NAMES))} = {draw(expressions())} %}}")
        elif kind == "raw":
            parts.append("{% raw %}{{ x }}{% endraw %}")
        elif kind == "junk":
            parts.append(
                draw(st.sampled_from(["{{", "{%", "}}", "{% endif %}", "{#", "{% break %}"]))
            )
        elif depth < 2:
            body = draw(templates(depth + 1))
            if kind == "if":
                parts.append(f"{{% if {draw(expressions())} %}}{body}{{% else %}}-{{% endif %}}")
            else:
                loop_var = draw(st.sampled_from(["x", "k, v"]))
                container = draw(st.sampled_from([*NAMES, "[1, 2]", "range(end=3)"]))
                ctl = draw(
                    st.sampled_from(["", "{% break %}", "{% continue %}", "{{ loop.index }}"])
                )
                parts.append(f"{{% for {loop_var} in {container} %}}{body}{ctl}{{% endfor %}}")
    return "".join(parts)


def _render(directory: Path, source: str, context: dict[str, object]) -> str | TeraError:
    (directory / "t.tera").write_text(source, encoding="utf-8")
    budget = RenderBudget(seconds=2.0, max_text=10_000, max_items=1_000)
    try:
        return TemplateSet(directory, directory, budget.start()).render("t.tera", context)
    except TeraError as exc:
        assert exc.message
        return exc


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    source=templates(),
    context=st.fixed_dictionaries({"a": values, "b": values, "items": values, "obj": values}),
)
def test_generated_templates_render_or_fail_clearly(
    tmp_path_factory: object, source: str, context: dict[str, object]
) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        result = _render(Path(directory), source, context)
    assert isinstance(result, str | TeraError)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(source=st.text(alphabet="{}%#-=|~()[]'\"ab1 .:\n", max_size=40))
def test_arbitrary_text_parses_or_fails_with_a_located_syntax_error(source: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        result = _render(Path(directory), source, {"a": "x"})
    if isinstance(result, TeraError) and "unexpected" in result.message:
        assert result.line is not None and result.line >= 1
