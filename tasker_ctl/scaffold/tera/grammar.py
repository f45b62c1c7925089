"""Tera 1.20's template grammar as a packrat PEG parser.

Tera parses templates with `pest`, a PEG parser generator. To accept exactly
the templates Tera accepts (and reject the others at the same place), this
module reproduces pest's semantics and states Tera's grammar rule by rule:

- ordered choice commits to the first alternative that matches;
- rules are *normal* (implicit whitespace between the items of a sequence and a
  repetition, when the caller allows it), *silent* (no node of their own),
  *atomic* ``@`` (no implicit whitespace, no inner nodes), *compound-atomic*
  ``$`` (no implicit whitespace, inner nodes kept) or *non-atomic* ``!``
  (implicit whitespace again, inside an atomic caller);
- every rule is memoised on (rule, position, whitespace mode), so parsing is
  linear in the template's length however the alternatives backtrack.

The result is a tree of :class:`Pair` (rule name, span, children) that
:mod:`tasker_ctl.scaffold.tera.syntax` turns into the template's AST.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from tasker_ctl.scaffold.tera.errors import TeraSyntaxError

NORMAL, SILENT, ATOMIC, COMPOUND, NON_ATOMIC = "normal", "silent", "atomic", "compound", "nonatomic"
_WHITESPACE = " \t\r\n"
# pest's atomicity while matching: implicit whitespace on, atomic, compound-atomic
WS_ON, IN_ATOMIC, IN_COMPOUND = 0, 1, 2


@dataclass
class Pair:
    """A matched rule: its name, where it starts and ends, and its inner pairs."""

    rule: str
    start: int
    end: int
    text: str
    children: list[Pair] = field(default_factory=list)


Result = tuple[int, list[Pair]] | None


class _State:
    """One parse: the input, the memo table and the furthest failure seen."""

    def __init__(self, text: str, tick: Callable[[], None]) -> None:
        self.text = text
        self.memo: dict[tuple[int, int, int], Result] = {}
        self.furthest = 0
        self.expected: set[str] = set()
        self.quiet = 0
        self.tick = tick
        self.calls = 0

    def fail(self, pos: int, what: str) -> None:
        if self.quiet:
            return
        if pos > self.furthest:
            self.furthest = pos
            self.expected = {what}
        elif pos == self.furthest:
            self.expected.add(what)

    def skip_ws(self, pos: int) -> int:
        text = self.text
        while pos < len(text) and text[pos] in _WHITESPACE:
            pos += 1
        return pos


class _Expr:
    def match(self, st: _State, pos: int, mode: int) -> Result:  # pragma: no cover - abstract
        """Match at ``pos``; the end position and the nodes produced, or ``None``."""
        raise NotImplementedError


class _Lit(_Expr):
    def __init__(self, literal: str) -> None:
        self.literal = literal

    def match(self, st: _State, pos: int, mode: int) -> Result:
        """Match at ``pos``; the end position and the nodes produced, or ``None``."""
        if st.text.startswith(self.literal, pos):
            return pos + len(self.literal), []
        st.fail(pos, f"`{self.literal}`")
        return None


class _Chars(_Expr):
    """One character for which ``test`` holds (pest's ranges and ``ANY``)."""

    def __init__(self, test: Callable[[str], bool], name: str) -> None:
        self.test = test
        self.name = name

    def match(self, st: _State, pos: int, mode: int) -> Result:
        """Match at ``pos``; the end position and the nodes produced, or ``None``."""
        if pos < len(st.text) and self.test(st.text[pos]):
            return pos + 1, []
        st.fail(pos, self.name)
        return None


class _Seq(_Expr):
    def __init__(self, *items: _Expr) -> None:
        self.items = items

    def match(self, st: _State, pos: int, mode: int) -> Result:
        """Match at ``pos``; the end position and the nodes produced, or ``None``."""
        pairs: list[Pair] = []
        for index, item in enumerate(self.items):
            if index and mode == WS_ON:
                pos = st.skip_ws(pos)
            found = item.match(st, pos, mode)
            if found is None:
                return None
            pos, inner = found
            pairs.extend(inner)
        return pos, pairs


class _Choice(_Expr):
    def __init__(self, *options: _Expr) -> None:
        self.options = options

    def match(self, st: _State, pos: int, mode: int) -> Result:
        """Match at ``pos``; the end position and the nodes produced, or ``None``."""
        for option in self.options:
            found = option.match(st, pos, mode)
            if found is not None:
                return found
        return None


class _Repeat(_Expr):
    def __init__(self, item: _Expr, minimum: int) -> None:
        self.item = item
        self.minimum = minimum

    def match(self, st: _State, pos: int, mode: int) -> Result:
        """Match at ``pos``; the end position and the nodes produced, or ``None``."""
        pairs: list[Pair] = []
        count = 0
        while True:
            start = st.skip_ws(pos) if mode == WS_ON and count else pos
            found = self.item.match(st, start, mode)
            if found is None or (found[0] == start and count >= self.minimum):
                break
            pos, inner = found
            pairs.extend(inner)
            count += 1
        if count < self.minimum:
            return None
        return pos, pairs


class _Optional(_Expr):
    def __init__(self, item: _Expr) -> None:
        self.item = item

    def match(self, st: _State, pos: int, mode: int) -> Result:
        """Match at ``pos``; the end position and the nodes produced, or ``None``."""
        found = self.item.match(st, pos, mode)
        return found if found is not None else (pos, [])


class _Not(_Expr):
    def __init__(self, item: _Expr) -> None:
        self.item = item

    def match(self, st: _State, pos: int, mode: int) -> Result:
        """Match at ``pos``; the end position and the nodes produced, or ``None``."""
        st.quiet += 1
        try:
            found = self.item.match(st, pos, mode)
        finally:
            st.quiet -= 1
        return (pos, []) if found is None else None


class _Until(_Expr):
    """``some(!stop ~ ANY)``, where ``stop`` matches only at its literals, in one search.

    The same result, the same recorded failure (``any character`` at the end of
    the input) and the same memo entries where the run ends as the rule it
    replaces, without a memo entry and a handful of calls per character: a
    template's plain text costs a string search.
    """

    def __init__(self, stop: _Expr, *literals: str) -> None:
        self.stop = stop
        self.search = re.compile("|".join(re.escape(literal) for literal in literals)).search

    def match(self, st: _State, pos: int, mode: int) -> Result:
        """Match at ``pos``; the end position and the nodes produced, or ``None``."""
        found = self.search(st.text, pos)
        end = found.start() if found is not None else len(st.text)
        st.quiet += 1
        try:
            self.stop.match(st, end, mode)  # the lookahead that ends the run, memoised
        finally:
            st.quiet -= 1
        if end == len(st.text):
            st.fail(end, "any character")
        return (end, []) if end > pos else None


class _End(_Expr):
    def match(self, st: _State, pos: int, mode: int) -> Result:
        """Match at ``pos``; the end position and the nodes produced, or ``None``."""
        if pos == len(st.text):
            return pos, []
        st.fail(pos, "end of input")
        return None


class Rule(_Expr):
    """A named grammar rule; its body is set once every rule exists."""

    _ids = 0

    def __init__(self, name: str, kind: str = NORMAL, label: str | None = None) -> None:
        self.name = name
        self.kind = kind
        self.label = label
        self.body: _Expr = _End()
        Rule._ids += 1
        self.id = Rule._ids

    def match(self, st: _State, pos: int, mode: int) -> Result:
        """Match at ``pos``; the end position and the nodes produced, or ``None``."""
        key = (self.id, pos, mode)
        if key in st.memo:
            return st.memo[key]
        st.calls += 1
        if st.calls % 2048 == 0:
            st.tick()
        # pest: atomic and normal rules emit a node unless called in an atomic
        # context; compound-atomic and non-atomic rules always emit one.
        inner, emit = {
            NORMAL: (mode, mode != IN_ATOMIC),
            SILENT: (mode, False),
            ATOMIC: (IN_ATOMIC, mode != IN_ATOMIC),
            COMPOUND: (IN_COMPOUND, True),
            NON_ATOMIC: (WS_ON, True),
        }[self.kind]
        if self.label is not None and self.kind == ATOMIC:
            st.quiet += 1
            try:
                found = self.body.match(st, pos, inner)
            finally:
                st.quiet -= 1
            if found is None:
                st.fail(pos, self.label)
        else:
            found = self.body.match(st, pos, inner)
        result: Result
        if found is None or not emit:
            result = found
        else:
            end, children = found
            result = end, [Pair(self.name, pos, end, st.text[pos:end], children)]
        st.memo[key] = result
        return result


def _lit(item: _Expr | str) -> _Expr:
    return _Lit(item) if isinstance(item, str) else item


def seq(*items: _Expr | str) -> _Expr:
    """A sequence."""
    return _Seq(*(_lit(i) for i in items))


def alt(*items: _Expr | str) -> _Expr:
    """An ordered choice."""
    return _Choice(*(_lit(i) for i in items))


def many(*items: _Expr | str) -> _Expr:
    """Zero or more."""
    return _Repeat(seq(*items) if len(items) > 1 else _lit(items[0]), 0)


def some(*items: _Expr | str) -> _Expr:
    """One or more."""
    return _Repeat(seq(*items) if len(items) > 1 else _lit(items[0]), 1)


def opt(*items: _Expr | str) -> _Expr:
    """Optional."""
    return _Optional(seq(*items) if len(items) > 1 else _lit(items[0]))


def neg(item: _Expr | str) -> _Expr:
    """A negative lookahead."""
    return _Not(_lit(item))


ANY = _Chars(lambda c: True, "any character")
DIGIT = _Chars(lambda c: "0" <= c <= "9", "a digit")
NONZERO = _Chars(lambda c: "1" <= c <= "9", "a digit")
ALPHA_ = _Chars(lambda c: c == "_" or "a" <= c <= "z" or "A" <= c <= "Z", "a letter or `_`")
ALNUM_ = _Chars(
    lambda c: c == "_" or "a" <= c <= "z" or "A" <= c <= "Z" or "0" <= c <= "9",
    "a letter, digit or `_`",
)
WS = _Chars(lambda c: c in _WHITESPACE, "whitespace")
EOI = _End()

_RULES: dict[str, Rule] = {}


def _r(name: str, kind: str = NORMAL, label: str | None = None) -> Rule:
    rule = Rule(name, kind, label)
    _RULES[name] = rule
    return rule


# Literals
int_ = _r("int", ATOMIC, "an integer")
float_ = _r("float", ATOMIC, "a float")
string = _r("string", ATOMIC, "a string")
boolean = _r("boolean", NORMAL, "`true` or `false`")
# Operators
op_or = _r("op_or", ATOMIC, "`or`")
op_and = _r("op_and", ATOMIC, "`and`")
op_not = _r("op_not", ATOMIC, "`not`")
op_lte, op_gte, op_lt, op_gt = _r("op_lte"), _r("op_gte"), _r("op_lt"), _r("op_gt")
op_eq, op_ineq = _r("op_eq"), _r("op_ineq")
op_plus, op_minus, op_times = _r("op_plus"), _r("op_minus"), _r("op_times")
op_slash, op_modulo = _r("op_slash"), _r("op_modulo")
# Identifiers
ident = _r("ident", ATOMIC, "an identifier")
dotted_ident = _r("dotted_ident", ATOMIC, "a dotted identifier")
square_brackets = _r("square_brackets", ATOMIC, "`[...]`")
dotted_square_bracket_ident = _r("dotted_square_bracket_ident", ATOMIC, "a variable")
string_concat = _r("string_concat")
# Expressions
basic_val = _r("basic_val", SILENT)
basic_op = _r("basic_op", SILENT)
basic_expr = _r("basic_expr")
basic_expr_filter = _r("basic_expr_filter", NON_ATOMIC)
string_expr_filter = _r("string_expr_filter", NON_ATOMIC)
comparison_val = _r("comparison_val")
comparison_op = _r("comparison_op", SILENT)
comparison_expr = _r("comparison_expr")
in_cond_container = _r("in_cond_container")
in_cond = _r("in_cond", NON_ATOMIC)
logic_val = _r("logic_val", NON_ATOMIC)
logic_expr = _r("logic_expr", NON_ATOMIC)
array = _r("array", NON_ATOMIC)
array_filter = _r("array_filter", NON_ATOMIC)
string_array = _r("string_array", NON_ATOMIC)
# Functions, filters, macros, tests
kwarg = _r("kwarg")
kwargs = _r("kwargs", SILENT)
fn_call = _r("fn_call", NON_ATOMIC)
filter_ = _r("filter")
macro_def_arg = _r("macro_def_arg", COMPOUND)
macro_def_args = _r("macro_def_args", SILENT)
macro_fn = _r("macro_fn", SILENT)
macro_fn_wrapper = _r("macro_fn_wrapper", NON_ATOMIC)
macro_call = _r("macro_call")
test_arg = _r("test_arg")
test_args = _r("test_args", SILENT)
test_call = _r("test_call", NON_ATOMIC)
test_not = _r("test_not")
test = _r("test")
# Tags
variable_start, variable_end = _r("variable_start"), _r("variable_end")
tag_start, tag_end = _r("tag_start"), _r("tag_end")
comment_start, comment_end = _r("comment_start"), _r("comment_end")
block_start = _r("block_start", SILENT)
comment_text = _r("comment_text", COMPOUND)
ignore_missing = _r("ignore_missing")
include_tag = _r("include_tag", COMPOUND)
comment_tag = _r("comment_tag", COMPOUND)
block_tag = _r("block_tag", COMPOUND)
macro_tag = _r("macro_tag", COMPOUND)
if_tag = _r("if_tag", COMPOUND)
elif_tag = _r("elif_tag", COMPOUND)
else_tag = _r("else_tag", NON_ATOMIC)
for_tag = _r("for_tag", COMPOUND)
filter_tag = _r("filter_tag", COMPOUND)
set_tag = _r("set_tag", COMPOUND)
set_global_tag = _r("set_global_tag", COMPOUND)
endblock_tag = _r("endblock_tag", NON_ATOMIC)
endmacro_tag = _r("endmacro_tag", NON_ATOMIC)
endif_tag = _r("endif_tag", NON_ATOMIC)
endfor_tag = _r("endfor_tag", NON_ATOMIC)
endfilter_tag = _r("endfilter_tag", NON_ATOMIC)
break_tag = _r("break_tag", NON_ATOMIC)
continue_tag = _r("continue_tag", NON_ATOMIC)
variable_tag = _r("variable_tag", NON_ATOMIC)
super_tag = _r("super_tag", NON_ATOMIC)
text = _r("text", COMPOUND)
raw_tag = _r("raw_tag", NON_ATOMIC)
endraw_tag = _r("endraw_tag", NON_ATOMIC)
raw_text = _r("raw_text", COMPOUND)
raw = _r("raw", COMPOUND)
filter_section = _r("filter_section", COMPOUND)
forloop = _r("forloop", COMPOUND)
macro_if = _r("macro_if", COMPOUND)
block_if = _r("block_if", COMPOUND)
for_if = _r("for_if", COMPOUND)
filter_section_if = _r("filter_section_if", COMPOUND)
content_if = _r("content_if", COMPOUND)
block = _r("block", COMPOUND)
macro_definition = _r("macro_definition", COMPOUND)
filter_section_content = _r("filter_section_content", ATOMIC)
macro_content = _r("macro_content", ATOMIC)
block_content = _r("block_content", ATOMIC)
for_content = _r("for_content", ATOMIC)
content = _r("content", ATOMIC)
extends_tag = _r("extends_tag", COMPOUND)
import_macro_tag = _r("import_macro_tag", COMPOUND)
top_imports = _r("top_imports", SILENT)
template = _r("template", COMPOUND)

int_.body = seq(opt("-"), alt("0", seq(NONZERO, many(DIGIT))))
float_.body = seq(
    opt("-"), alt(seq("0", ".", some(DIGIT)), seq(NONZERO, many(DIGIT), ".", some(DIGIT)))
)
string.body = alt(
    seq('"', many(neg('"'), ANY), '"'),
    seq("'", many(neg("'"), ANY), "'"),
    seq("`", many(neg("`"), ANY), "`"),
)
boolean.body = alt("true", "false", "True", "False")
op_or.body = seq("or", WS)
op_and.body = seq("and", WS)
op_not.body = seq("not", WS)
op_lte.body, op_gte.body, op_lt.body, op_gt.body = _Lit("<="), _Lit(">="), _Lit("<"), _Lit(">")
op_eq.body, op_ineq.body = _Lit("=="), _Lit("!=")
op_plus.body, op_minus.body, op_times.body = _Lit("+"), _Lit("-"), _Lit("*")
op_slash.body, op_modulo.body = _Lit("/"), _Lit("%")

ident.body = seq(ALPHA_, many(ALNUM_))
dotted_ident.body = seq(ALPHA_, many(ALNUM_), many(".", some(ALNUM_)))
square_brackets.body = seq("[", alt(int_, string, dotted_square_bracket_ident), "]")
dotted_square_bracket_ident.body = seq(
    dotted_ident, many(alt(seq(".", some(ALNUM_)), square_brackets))
)
_concat_item = alt(fn_call, float_, int_, string, dotted_square_bracket_ident)
string_concat.body = seq(_concat_item, some("~", _concat_item))

basic_val.body = alt(
    boolean, test_not, test, macro_call, fn_call, dotted_square_bracket_ident, float_, int_
)
basic_op.body = alt(op_plus, op_minus, op_times, op_slash, op_modulo)
_basic_operand = alt(seq("(", basic_expr, ")"), basic_val)
basic_expr.body = seq(_basic_operand, many(basic_op, _basic_operand))
basic_expr_filter.body = seq(basic_expr, many(filter_))
string_expr_filter.body = seq(alt(string_concat, string), many(filter_))
comparison_val.body = seq(basic_expr_filter, many(basic_op, basic_expr_filter))
comparison_op.body = alt(op_lte, op_gte, op_gt, op_lt, op_eq, op_ineq)
_comparison_side = alt(string_expr_filter, comparison_val)
comparison_expr.body = seq(_comparison_side, opt(comparison_op, _comparison_side))
in_cond_container.body = alt(string_expr_filter, array_filter, dotted_square_bracket_ident)
in_cond.body = seq(alt(string_expr_filter, basic_expr_filter), opt(op_not), "in", in_cond_container)
logic_val.body = alt(seq(opt(op_not), alt(in_cond, comparison_expr)), seq("(", logic_expr, ")"))
logic_expr.body = seq(logic_val, many(alt(op_or, op_and), logic_val))
array.body = seq("[", many(logic_val, ","), opt(logic_val), "]")
array_filter.body = seq(array, many(filter_))
string_array.body = seq("[", many(string, ","), opt(string), "]")

kwarg.body = seq(ident, "=", alt(logic_expr, array_filter))
kwargs.body = seq(kwarg, many(",", kwarg), opt(","))
fn_call.body = seq(ident, "(", opt(kwargs), ")")
filter_.body = seq("|", alt(fn_call, ident))

macro_def_arg.body = alt(seq(ident, "=", alt(boolean, string, float_, int_)), ident)
macro_def_args.body = seq(macro_def_arg, many(",", macro_def_arg))
macro_fn.body = seq(ident, "(", opt(macro_def_args), ")")
macro_fn_wrapper.body = macro_fn
macro_call.body = seq(ident, "::", ident, "(", opt(kwargs), ")")

test_arg.body = alt(logic_expr, array_filter)
test_args.body = seq(test_arg, many(",", test_arg))
test_call.body = seq(ident, opt("(", test_args, ")"))
test_not.body = seq(dotted_square_bracket_ident, "is", "not", test_call)
test.body = seq(dotted_square_bracket_ident, "is", test_call)

variable_start.body = alt("{{-", "{{")
variable_end.body = alt("-}}", "}}")
tag_start.body = alt("{%-", "{%")
tag_end.body = alt("-%}", "%}")
comment_start.body = alt("{#-", "{#")
comment_end.body = alt("-#}", "#}")
block_start.body = alt(variable_start, tag_start, comment_start)
comment_text.body = _Until(comment_end, "-#}", "#}")  # some(!comment_end ~ ANY)
ignore_missing.body = seq("ignore", many(WS), "missing")


def _tag(*items: _Expr | str) -> _Expr:
    """``tag_start WS* items... WS* tag_end`` as Tera's compound-atomic tags spell it."""
    return seq(tag_start, many(WS), *items, many(WS), tag_end)


_value = alt(logic_expr, array_filter)
include_tag.body = _tag(
    "include", some(WS), alt(string, string_array), many(WS), opt(ignore_missing)
)
comment_tag.body = seq(comment_start, comment_text, comment_end)
block_tag.body = _tag("block", some(WS), ident)
macro_tag.body = _tag("macro", some(WS), macro_fn_wrapper)
if_tag.body = _tag("if", some(WS), logic_expr)
elif_tag.body = _tag("elif", some(WS), logic_expr)
else_tag.body = seq(tag_start, "else", tag_end)
for_tag.body = _tag(
    "for",
    some(WS),
    ident,
    opt(",", many(WS), ident),
    some(WS),
    "in",
    some(WS),
    alt(basic_expr_filter, array_filter),
)
filter_tag.body = _tag("filter", some(WS), alt(fn_call, ident))
set_tag.body = _tag("set", some(WS), ident, many(WS), "=", many(WS), _value)
set_global_tag.body = _tag("set_global", some(WS), ident, many(WS), "=", many(WS), _value)
endblock_tag.body = seq(tag_start, "endblock", opt(ident), tag_end)
endmacro_tag.body = seq(tag_start, "endmacro", opt(ident), tag_end)
endif_tag.body = seq(tag_start, "endif", tag_end)
endfor_tag.body = seq(tag_start, "endfor", tag_end)
endfilter_tag.body = seq(tag_start, "endfilter", tag_end)
break_tag.body = seq(tag_start, "break", tag_end)
continue_tag.body = seq(tag_start, "continue", tag_end)
variable_tag.body = seq(variable_start, _value, variable_end)
super_tag.body = seq(variable_start, "super()", variable_end)
text.body = _Until(block_start, "{{", "{%", "{#")  # some(!block_start ~ ANY)
raw_tag.body = seq(tag_start, "raw", tag_end)
endraw_tag.body = seq(tag_start, "endraw", tag_end)
raw_text.body = many(neg(endraw_tag), ANY)
raw.body = seq(raw_tag, raw_text, endraw_tag)
filter_section.body = seq(filter_tag, many(filter_section_content), endfilter_tag)
forloop.body = seq(for_tag, many(for_content), many(else_tag, many(for_content)), endfor_tag)


def _if(inner: Rule) -> _Expr:
    return seq(
        if_tag,
        many(inner),
        many(elif_tag, many(inner)),
        opt(else_tag, many(inner)),
        endif_tag,
    )


macro_if.body = _if(macro_content)
block_if.body = _if(block_content)
for_if.body = _if(for_content)
filter_section_if.body = _if(filter_section_content)
content_if.body = _if(content)
block.body = seq(block_tag, many(block_content), endblock_tag)
macro_definition.body = seq(macro_tag, many(macro_content), endmacro_tag)

_common = (include_tag, variable_tag, comment_tag, set_tag, set_global_tag)
filter_section_content.body = alt(
    *_common, block, forloop, filter_section_if, raw, filter_section, text
)
macro_content.body = alt(*_common, macro_if, forloop, filter_section, raw, text)
block_content.body = alt(
    include_tag,
    super_tag,
    variable_tag,
    comment_tag,
    set_tag,
    set_global_tag,
    block,
    block_if,
    forloop,
    filter_section,
    raw,
    text,
)
for_content.body = alt(
    *_common, for_if, forloop, break_tag, continue_tag, filter_section, raw, text
)
content.body = alt(*_common, block, content_if, forloop, filter_section, raw, text)
extends_tag.body = seq(
    many(WS), tag_start, many(WS), "extends", some(WS), string, many(WS), tag_end, many(WS)
)
import_macro_tag.body = seq(
    many(WS),
    tag_start,
    many(WS),
    "import",
    some(WS),
    string,
    some(WS),
    "as",
    some(WS),
    ident,
    many(WS),
    tag_end,
    many(WS),
)
top_imports.body = alt(
    seq(extends_tag, many(import_macro_tag)), seq(some(import_macro_tag), opt(extends_tag))
)
template.body = seq(many(comment_tag), opt(top_imports), many(alt(content, macro_definition)), EOI)


def _describe(text: str, pos: int, expected: set[str]) -> str:
    found = text[pos : pos + 12].split("\n")[0]
    found_text = f"`{found}`" if found else "the end of the file"
    wanted = sorted(expected)
    if len(wanted) > 6:
        wanted = [*wanted[:6], "..."]
    expect = ", ".join(wanted) if wanted else "something else"
    return f"unexpected {found_text}; expected {expect}"


def parse_template(source: str, tick: Callable[[], None] = lambda: None) -> Pair:
    """Parse ``source`` as a whole Tera template; raise :class:`TeraSyntaxError`."""
    st = _State(source, tick)
    found = template.match(st, 0, WS_ON)
    if found is None:
        pos = st.furthest
        line = source.count("\n", 0, pos) + 1
        column = pos - (source.rfind("\n", 0, pos) + 1) + 1
        raise TeraSyntaxError(_describe(source, pos, st.expected), line=line, column=column)
    return found[1][0]
