"""The AST of a Tera template, built from the parse tree as Tera 1.20 builds it.

The shapes follow Tera's own AST (expressions with a ``negated`` flag and a
filter chain; operators folded by precedence climbing: ``or`` < ``and``;
comparisons; ``+ -`` < ``* / %``), and :func:`remove_whitespace` applies the
``{%-``/``-%}`` trimming with Tera's rules, including its corners (the body
after ``{% else %}`` in a ``for`` loop is never trimmed; comments before an
``extends`` are dropped before trimming).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Union

from tasker_ctl.scaffold.tera.errors import TeraSyntaxError, UnsupportedConstruct
from tasker_ctl.scaffold.tera.grammar import Pair

# Rust's char::is_whitespace (Unicode White_Space), which Tera's trimming uses.
RUST_WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


@dataclass
class FunctionCall:
    """A function or filter call with keyword arguments (a later duplicate wins)."""

    name: str
    args: dict[str, Expr]


@dataclass
class StrLit:
    """A string literal (its text as written: Tera interprets no escapes)."""

    value: str


@dataclass
class IntLit:
    """An integer literal (64-bit)."""

    value: int


@dataclass
class FloatLit:
    """A float literal."""

    value: float


@dataclass
class BoolLit:
    """``true``/``false`` (or ``True``/``False``)."""

    value: bool


@dataclass
class Ident:
    """A variable path such as ``a.b[0][key]``."""

    path: str


@dataclass
class Math:
    """``lhs op rhs`` with ``+ - * / %``."""

    lhs: Expr
    op: str
    rhs: Expr


@dataclass
class Logic:
    """A comparison or ``and``/``or``."""

    lhs: Expr
    op: str
    rhs: Expr


@dataclass
class Test:
    """``ident is [not] name(args)``."""

    ident: str
    negated: bool
    name: str
    args: list[Expr]


@dataclass
class MacroCall:
    """``namespace::name(kwargs)``."""

    namespace: str
    name: str
    args: dict[str, Expr]


@dataclass
class Call:
    """A global function call such as ``range(end=3)``."""

    call: FunctionCall


@dataclass
class ArrayLit:
    """An array literal."""

    items: list[Expr]


@dataclass
class Concat:
    """Values joined with ``~``."""

    values: list[StrLit | IntLit | FloatLit | Ident | Call]


@dataclass
class In:
    """``lhs [not] in rhs``."""

    lhs: Expr
    rhs: Expr
    negated: bool


ExprVal = Union[  # noqa: UP007 - a runtime alias of dataclasses defined above
    StrLit,
    IntLit,
    FloatLit,
    BoolLit,
    Ident,
    Math,
    Logic,
    Test,
    MacroCall,
    Call,
    ArrayLit,
    Concat,
    In,
]


@dataclass
class Expr:
    """A value, whether it is negated (``not``) and the filters applied to it."""

    val: ExprVal
    negated: bool = False
    filters: list[FunctionCall] = field(default_factory=list)

    def has_default_filter(self) -> bool:
        """Tera only honours ``default`` as the first filter of a variable."""
        return bool(self.filters) and self.filters[0].name == "default"


@dataclass
class WS:
    """Whether a tag trims the whitespace on its left (``{%-``) and right (``-%}``)."""

    left: bool = False
    right: bool = False


@dataclass
class Node:
    """A piece of a template and the line it starts on."""

    line: int


@dataclass
class Text(Node):
    """Literal text."""

    text: str


@dataclass
class Raw(Node):
    """A ``{% raw %}`` block."""

    start_ws: WS
    text: str
    end_ws: WS


@dataclass
class Variable(Node):
    """``{{ expression }}``."""

    ws: WS
    expr: Expr


@dataclass
class Set(Node):
    """``set`` or ``set_global``."""

    ws: WS
    key: str
    value: Expr
    global_: bool


@dataclass
class Include(Node):
    """``{% include %}`` of one of several names."""

    ws: WS
    names: list[str]
    ignore_missing: bool


@dataclass
class Extends(Node):
    """``{% extends %}``."""

    ws: WS
    name: str


@dataclass
class ImportMacro(Node):
    """``{% import "file" as namespace %}``."""

    ws: WS
    file: str
    namespace: str


@dataclass
class MacroDef(Node):
    """A macro definition."""

    start_ws: WS
    name: str
    args: dict[str, Expr | None]
    body: list[Node]
    end_ws: WS


@dataclass
class Block(Node):
    """A ``{% block %}``."""

    start_ws: WS
    name: str
    body: list[Node]
    end_ws: WS


@dataclass
class ForLoop(Node):
    """A ``for`` loop, with its ``else`` body if any."""

    start_ws: WS
    key: str | None
    value: str
    container: Expr
    body: list[Node]
    empty_body: list[Node] | None
    end_ws: WS


@dataclass
class If(Node):
    """``if``/``elif``/``else``."""

    conditions: list[tuple[WS, Expr, list[Node]]]
    otherwise: tuple[WS, list[Node]] | None
    end_ws: WS


@dataclass
class FilterSection(Node):
    """``{% filter name %}...{% endfilter %}``."""

    start_ws: WS
    filter: FunctionCall
    body: list[Node]
    end_ws: WS


@dataclass
class Break(Node):
    """``{% break %}``."""

    ws: WS


@dataclass
class Continue(Node):
    """``{% continue %}``."""

    ws: WS


@dataclass
class Super(Node):
    """``{{ super() }}``."""


@dataclass
class Comment(Node):
    """A comment (kept for its whitespace control)."""

    ws: WS


_MATH = {"op_plus": (1, "+"), "op_minus": (1, "-"), "op_times": (2, "*"), "op_slash": (2, "/")}
_MATH["op_modulo"] = (2, "%")
_COMPARISON = {
    name: (1, op)
    for name, op in [
        ("op_lt", "<"),
        ("op_lte", "<="),
        ("op_gt", ">"),
        ("op_gte", ">="),
        ("op_eq", "=="),
        ("op_ineq", "!="),
    ]
}
_LOGIC = {"op_or": (1, "or"), "op_and": (2, "and")}


class _Builder:
    """Turns the parse tree of one template into its AST."""

    def __init__(self, source: str) -> None:
        self.line_starts = [0] + [i + 1 for i, c in enumerate(source) if c == "\n"]

    def line(self, pair: Pair) -> int:
        return bisect.bisect_right(self.line_starts, pair.start)

    # -- expressions -------------------------------------------------------

    def _pratt(self, pairs: list[Pair], ops: dict[str, tuple[int, str]], primary, combine):  # type: ignore[no-untyped-def]
        """Precedence climbing over ``operand (op operand)*``, left-associative."""
        operands = [p for p in pairs if p.rule not in ops]
        operators = [p for p in pairs if p.rule in ops]
        values = [primary(operands[0])]
        stack: list[tuple[int, str]] = []
        for index, op_pair in enumerate(operators):
            prec, op = ops[op_pair.rule]
            while stack and stack[-1][0] >= prec:
                _, top = stack.pop()
                rhs = values.pop()
                values.append(combine(values.pop(), top, rhs))
            stack.append((prec, op))
            values.append(primary(operands[index + 1]))
        while stack:
            _, top = stack.pop()
            rhs = values.pop()
            values.append(combine(values.pop(), top, rhs))
        return values[0]

    def string_value(self, pair: Pair) -> str:
        return pair.text[1:-1]

    def int_value(self, pair: Pair) -> int:
        value = int(pair.text)
        if not -(2**63) <= value < 2**63:
            raise TeraSyntaxError(f"Integer out of bounds: `{pair.text}`", line=self.line(pair))
        return value

    def float_value(self, pair: Pair) -> float:
        value = float(pair.text)
        if value in (float("inf"), float("-inf")):
            raise UnsupportedConstruct(
                f"the float literal `{pair.text[:20]}...` is too large", line=self.line(pair)
            )
        return value

    def kwarg(self, pair: Pair) -> tuple[str, Expr]:
        name = pair.children[0].text
        value = pair.children[1]
        if value.rule == "logic_expr":
            return name, self.logic_expr(value)
        return name, self.array_with_filters(value)

    def fn_call(self, pair: Pair) -> FunctionCall:
        args: dict[str, Expr] = {}
        name = ""
        for child in pair.children:
            if child.rule == "ident":
                name = child.text
            elif child.rule == "kwarg":
                key, value = self.kwarg(child)
                args[key] = value
        return FunctionCall(name, args)

    def filter(self, pair: Pair) -> FunctionCall:
        child = pair.children[0]
        if child.rule == "fn_call":
            return self.fn_call(child)
        return FunctionCall(child.text, {})

    def test(self, pair: Pair, negated: bool) -> Test:
        ident = pair.children[0].text
        call = pair.children[1]
        name = call.children[0].text
        args: list[Expr] = []
        for arg in call.children[1:]:
            inner = arg.children[0]
            if inner.rule == "logic_expr":
                args.append(self.logic_expr(inner))
            else:
                raise UnsupportedConstruct(
                    f"an array literal as an argument of the test `{name}` (Tera 1.20 "
                    "crashes on it); put the array in a variable with `set` first",
                    line=self.line(inner),
                )
        return Test(ident, negated, name, args)

    def string_concat(self, pair: Pair) -> ExprVal:
        values: list[StrLit | IntLit | FloatLit | Ident | Call] = []
        current = ""
        for child in pair.children:
            if child.rule == "string":
                current += self.string_value(child)
                continue
            if current:
                values.append(StrLit(current))
                current = ""
            if child.rule == "int":
                values.append(IntLit(self.int_value(child)))
            elif child.rule == "float":
                values.append(FloatLit(self.float_value(child)))
            elif child.rule == "dotted_square_bracket_ident":
                values.append(Ident(child.text))
            else:
                values.append(Call(self.fn_call(child)))
        if not values:
            return StrLit(current)
        if current:
            values.append(StrLit(current))
        return Concat(values)

    def basic_expression(self, pair: Pair) -> ExprVal:
        rule = pair.rule
        if rule == "int":
            return IntLit(self.int_value(pair))
        if rule == "float":
            return FloatLit(self.float_value(pair))
        if rule == "boolean":
            return BoolLit(pair.text in ("true", "True"))
        if rule == "test":
            return self.test(pair, negated=False)
        if rule == "test_not":
            return self.test(pair, negated=True)
        if rule == "fn_call":
            return Call(self.fn_call(pair))
        if rule == "macro_call":
            return self.macro_call(pair)
        if rule == "dotted_square_bracket_ident":
            return Ident(pair.text)
        return self._pratt(  # type: ignore[no-any-return]
            pair.children,
            _MATH,
            self.basic_expression,
            lambda lhs, op, rhs: Math(Expr(lhs), op, Expr(rhs)),
        )

    def basic_with_filters(self, pair: Pair) -> Expr:
        val: ExprVal = StrLit("")
        filters = []
        for child in pair.children:
            if child.rule == "basic_expr":
                val = self.basic_expression(child)
            else:
                filters.append(self.filter(child))
        return Expr(val, False, filters)

    def string_with_filters(self, pair: Pair) -> Expr:
        val: ExprVal = StrLit("")
        filters = []
        for child in pair.children:
            if child.rule == "string":
                val = StrLit(self.string_value(child))
            elif child.rule == "string_concat":
                val = self.string_concat(child)
            else:
                filters.append(self.filter(child))
        return Expr(val, False, filters)

    def array_with_filters(self, pair: Pair) -> Expr:
        items = [self.logic_val(p) for p in pair.children[0].children]
        filters = [self.filter(p) for p in pair.children[1:]]
        return Expr(ArrayLit(items), False, filters)

    def in_condition(self, pair: Pair) -> Expr:
        lhs: Expr | None = None
        rhs: Expr | None = None
        negated = False
        for child in pair.children:
            if child.rule == "string_expr_filter":
                lhs = self.string_with_filters(child)
            elif child.rule == "basic_expr_filter":
                lhs = self.basic_with_filters(child)
            elif child.rule == "op_not":
                negated = True
            else:
                container = child.children[0]
                if container.rule == "array_filter":
                    rhs = self.array_with_filters(container)
                elif container.rule == "dotted_square_bracket_ident":
                    rhs = Expr(Ident(container.text))
                else:
                    rhs = self.string_with_filters(container)
        assert lhs is not None and rhs is not None
        return Expr(In(lhs, rhs, negated))

    def comparison_val(self, pair: Pair) -> Expr:
        if pair.rule == "basic_expr_filter":
            return self.basic_with_filters(pair)
        return self._pratt(  # type: ignore[no-any-return]
            pair.children, _MATH, self.comparison_val, lambda lhs, op, rhs: Expr(Math(lhs, op, rhs))
        )

    def comparison_expression(self, pair: Pair) -> Expr:
        if pair.rule == "comparison_val":
            return self.comparison_val(pair)
        if pair.rule == "string_expr_filter":
            return self.string_with_filters(pair)
        return self._pratt(  # type: ignore[no-any-return]
            pair.children,
            _COMPARISON,
            self.comparison_expression,
            lambda lhs, op, rhs: Expr(Logic(lhs, op, rhs)),
        )

    def logic_val(self, pair: Pair) -> Expr:
        negated = False
        expr: Expr | None = None
        for child in pair.children:
            if child.rule == "op_not":
                negated = True
            elif child.rule == "in_cond":
                expr = self.in_condition(child)
            elif child.rule == "comparison_expr":
                expr = self.comparison_expression(child)
            elif child.rule == "string_expr_filter":
                expr = self.string_with_filters(child)
            else:
                expr = self.logic_expr(child)
        assert expr is not None
        expr.negated = negated
        return expr

    def logic_expr(self, pair: Pair) -> Expr:
        if pair.rule == "logic_val":
            return self.logic_val(pair)
        return self._pratt(  # type: ignore[no-any-return]
            pair.children, _LOGIC, self.logic_expr, lambda lhs, op, rhs: Expr(Logic(lhs, op, rhs))
        )

    def macro_call(self, pair: Pair) -> MacroCall:
        namespace = pair.children[0].text
        name = pair.children[1].text
        args = dict(self.kwarg(p) for p in pair.children[2:])
        return MacroCall(namespace, name, args)

    def value(self, pair: Pair) -> Expr:
        if pair.rule == "logic_expr":
            return self.logic_expr(pair)
        return self.array_with_filters(pair)

    # -- tags --------------------------------------------------------------

    @staticmethod
    def ws_of(pair: Pair, ws: WS | None = None) -> WS:
        ws = ws or WS()
        for child in pair.children:
            if child.rule in ("tag_start", "variable_start", "comment_start"):
                ws.left = child.text.endswith("-")
            elif child.rule in ("tag_end", "variable_end", "comment_end"):
                ws.right = child.text.startswith("-")
        return ws

    def content(self, pair: Pair) -> list[Node]:
        nodes: list[Node] = []
        for child in pair.children:
            nodes.append(self.node(child))
        return nodes

    def node(self, pair: Pair) -> Node:
        rule = pair.rule
        line = self.line(pair)
        if rule == "text":
            return Text(line, pair.text)
        if rule == "variable_tag":
            return Variable(line, self.ws_of(pair), self.value(pair.children[1]))
        if rule == "comment_tag":
            return Comment(line, self.ws_of(pair))
        if rule == "super_tag":
            return Super(line)
        if rule in ("set_tag", "set_global_tag"):
            key = next(c.text for c in pair.children if c.rule == "ident")
            value = next(c for c in pair.children if c.rule in ("logic_expr", "array_filter"))
            return Set(line, self.ws_of(pair), key, self.value(value), rule == "set_global_tag")
        if rule == "include_tag":
            names: list[str] = []
            ignore = False
            for child in pair.children:
                if child.rule == "string":
                    names.append(self.string_value(child))
                elif child.rule == "string_array":
                    names.extend(self.string_value(c) for c in child.children)
                elif child.rule == "ignore_missing":
                    ignore = True
            return Include(line, self.ws_of(pair), names, ignore)
        if rule == "raw":
            tag, body, end = pair.children
            return Raw(line, self.ws_of(tag), body.text, self.ws_of(end))
        if rule in ("break_tag", "continue_tag"):
            return (Break if rule == "break_tag" else Continue)(line, self.ws_of(pair))
        if rule == "forloop":
            return self.forloop(pair)
        if rule.endswith("_if"):
            return self.if_node(pair)
        if rule == "filter_section":
            return self.filter_section(pair)
        if rule == "block":
            return self.block(pair)
        if rule == "macro_definition":
            return self.macro_definition(pair)
        if rule == "extends_tag":
            return Extends(line, self.ws_of(pair), self.string_value(pair.children[1]))
        if rule == "import_macro_tag":
            strings = [c for c in pair.children if c.rule in ("string", "ident")]
            return ImportMacro(
                line, self.ws_of(pair), self.string_value(strings[0]), strings[1].text
            )
        # content-like wrappers (content, for_content, ...) hold exactly one node
        return self.node(pair.children[0])

    def forloop(self, pair: Pair) -> ForLoop:
        tag = pair.children[0]
        idents = [c.text for c in tag.children if c.rule == "ident"]
        container_pair = next(
            c for c in tag.children if c.rule in ("basic_expr_filter", "array_filter")
        )
        if container_pair.rule == "basic_expr_filter":
            container = self.basic_with_filters(container_pair)
        else:
            container = self.array_with_filters(container_pair)
        body: list[Node] = []
        empty: list[Node] | None = None
        end_ws = WS()
        for child in pair.children[1:]:
            if child.rule == "else_tag":
                empty = []
            elif child.rule == "endfor_tag":
                end_ws = self.ws_of(child)
            elif empty is not None:
                empty.extend(self.content(child))
            else:
                body.extend(self.content(child))
        key, value = (None, idents[0]) if len(idents) == 1 else (idents[0], idents[1])
        return ForLoop(self.line(pair), self.ws_of(tag), key, value, container, body, empty, end_ws)

    def if_node(self, pair: Pair) -> If:
        conditions: list[tuple[WS, Expr, list[Node]]] = []
        otherwise: tuple[WS, list[Node]] | None = None
        current_ws = WS()
        expr: Expr | None = None
        body: list[Node] = []
        in_else = False
        end_ws = WS()
        for child in pair.children:
            if child.rule in ("if_tag", "elif_tag"):
                if child.rule == "elif_tag":
                    assert expr is not None
                    conditions.append((current_ws, expr, body))
                    body = []
                current_ws = self.ws_of(child)
                expr = self.logic_expr(next(c for c in child.children if c.rule == "logic_expr"))
            elif child.rule == "else_tag":
                if expr is not None:
                    conditions.append((current_ws, expr, body))
                    expr = None
                    body = []
                in_else = True
                current_ws = self.ws_of(child)
            elif child.rule == "endif_tag":
                if in_else:
                    otherwise = (current_ws, body)
                else:
                    assert expr is not None
                    conditions.append((current_ws, expr, body))
                end_ws = self.ws_of(child)
            else:
                body.extend(self.content(child))
        return If(self.line(pair), conditions, otherwise, end_ws)

    def filter_section(self, pair: Pair) -> FilterSection:
        tag = pair.children[0]
        call = next(c for c in tag.children if c.rule in ("fn_call", "ident"))
        func = self.fn_call(call) if call.rule == "fn_call" else FunctionCall(call.text, {})
        body: list[Node] = []
        for child in pair.children[1:-1]:
            body.extend(self.content(child))
        return FilterSection(
            self.line(pair), self.ws_of(tag), func, body, self.ws_of(pair.children[-1])
        )

    def block(self, pair: Pair) -> Block:
        tag = pair.children[0]
        name = next(c.text for c in tag.children if c.rule == "ident")
        body: list[Node] = []
        for child in pair.children[1:-1]:
            body.extend(self.content(child))
        return Block(self.line(pair), self.ws_of(tag), name, body, self.ws_of(pair.children[-1]))

    def macro_definition(self, pair: Pair) -> MacroDef:
        tag = pair.children[0]
        wrapper = next(c for c in tag.children if c.rule == "macro_fn_wrapper")
        name = wrapper.children[0].text
        args: dict[str, Expr | None] = {}
        for arg in wrapper.children[1:]:
            default: Expr | None = None
            if len(arg.children) > 1:
                literal = arg.children[1]
                if literal.rule == "string":
                    default = Expr(StrLit(self.string_value(literal)))
                else:
                    default = Expr(self.basic_expression(literal))
            args[arg.children[0].text] = default
        body: list[Node] = []
        for child in pair.children[1:-1]:
            body.extend(self.content(child))
        return MacroDef(
            self.line(pair), self.ws_of(tag), name, args, body, self.ws_of(pair.children[-1])
        )

    def template(self, pair: Pair) -> list[Node]:
        nodes: list[Node] = []
        for child in pair.children:
            if child.rule == "comment_tag":
                continue
            if child.rule == "content":
                nodes.extend(self.content(child))
            else:
                nodes.append(self.node(child))
        return nodes


def build_ast(source: str, tree: Pair) -> list[Node]:
    """The whitespace-trimmed AST of a parsed template."""
    return remove_whitespace(_Builder(source).template(tree), None)


def _trim_last_text(nodes: list[Node]) -> None:
    if nodes and isinstance(nodes[-1], Text):
        last = nodes.pop()
        assert isinstance(last, Text)
        trimmed = last.text.rstrip(RUST_WHITESPACE)
        if trimmed:
            nodes.append(Text(last.line, trimmed))


def remove_whitespace(nodes: list[Node], body_ws: WS | None) -> list[Node]:
    """Apply ``{%-``/``-%}`` trimming to ``nodes`` the way Tera does."""
    result: list[Node] = []
    previous_was_text = False
    trim_left_next = body_ws.left if body_ws else False
    for node in nodes:
        if isinstance(node, Text):
            previous_was_text = True
            if not trim_left_next:
                result.append(node)
                continue
            trim_left_next = False
            trimmed = node.text.lstrip(RUST_WHITESPACE)
            if trimmed:
                result.append(Text(node.line, trimmed))
            continue
        if isinstance(
            node, Variable | ImportMacro | Extends | Include | Set | Break | Continue | Comment
        ):
            if previous_was_text and node.ws.left:
                _trim_last_text(result)
            trim_left_next = node.ws.right
        elif isinstance(node, Raw):
            if previous_was_text and node.start_ws.left:
                _trim_last_text(result)
            previous_was_text = False
            trim_left_next = node.end_ws.right
            if node.start_ws.right or node.end_ws.left:
                value = node.text
                if node.start_ws.right:
                    value = value.lstrip(RUST_WHITESPACE)
                if node.end_ws.left:
                    value = value.rstrip(RUST_WHITESPACE)
                result.append(Raw(node.line, node.start_ws, value, node.end_ws))
                continue
        elif isinstance(node, ForLoop | MacroDef | FilterSection | Block):
            if previous_was_text and node.start_ws.left:
                _trim_last_text(result)
            previous_was_text = False
            trim_left_next = node.end_ws.right
            node.body = remove_whitespace(node.body, WS(node.start_ws.right, node.end_ws.left))
            result.append(node)
            continue
        elif isinstance(node, If):
            trim_left_next = node.end_ws.right
            conditions: list[tuple[WS, Expr, list[Node]]] = []
            for ws, expr, body in node.conditions:
                if ws.left:
                    if not conditions and previous_was_text:
                        _trim_last_text(result)
                    elif conditions:
                        _trim_last_text(conditions[-1][2])
                conditions.append((ws, expr, remove_whitespace(body, WS(ws.right, False))))
            previous_was_text = False
            if node.otherwise is not None:
                else_ws, else_body = node.otherwise
                if else_ws.left and conditions:
                    _trim_last_text(conditions[-1][2])
                new_else = remove_whitespace(else_body, WS(else_ws.right, False))
                if node.end_ws.left:
                    _trim_last_text(new_else)
                result.append(If(node.line, conditions, (else_ws, new_else), node.end_ws))
                continue
            if node.end_ws.left and conditions:
                _trim_last_text(conditions[-1][2])
            result.append(If(node.line, conditions, None, node.end_ws))
            continue
        elif isinstance(node, Super):
            pass
        previous_was_text = False
        result.append(node)
    if body_ws is not None and body_ws.right:
        _trim_last_text(result)
    return result
