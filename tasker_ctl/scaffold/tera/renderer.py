"""Rendering a parsed Tera template: Tera 1.20's semantics, inside a budget.

This follows Tera's renderer step by step: a stack of frames (the template,
for-loop iterations, macro calls, includes) where ``set`` writes to the
current frame and ``set_global`` to the nearest frame that is not a loop;
lookups walk down the stack and stop at a macro's frame; math on 64-bit
integers with overflow errors and floats; ``==`` across numbers compares
their values; division yields an integer when the result is whole; a missing
variable is falsy in ``if`` and an error when printed; ``default`` applies
only to variables; inheritance renders the root template's blocks with the
child's definitions and ``super()``; includes and macros see the file they
come from. Every step ticks the :class:`RenderBudget`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

from tasker_ctl.scaffold.tera import syntax as ast
from tasker_ctl.scaffold.tera.budget import RenderBudget
from tasker_ctl.scaffold.tera.builtins import FILTERS, FUNCTIONS, MISSING, TESTS
from tasker_ctl.scaffold.tera.errors import (
    BudgetExceeded,
    TemplateNotFound,
    TeraError,
    UnsupportedConstruct,
)
from tasker_ctl.scaffold.tera.values import (
    I64_MAX,
    I64_MIN,
    U64_MAX,
    Value,
    graphemes,
    is_i64,
    is_number,
    is_u64,
    render,
    to_json,
    truthy,
    value_eq,
)

_DUMP = "__tera_context"


@dataclasses.dataclass
class Template:
    """One parsed template file and what Tera notes about it when loading."""

    name: str
    path: str
    nodes: list[ast.Node]
    parent: str | None = None
    blocks: dict[str, ast.Block] = dataclasses.field(default_factory=dict)
    macros: dict[str, ast.MacroDef] = dataclasses.field(default_factory=dict)
    imports: list[tuple[str, str]] = dataclasses.field(default_factory=list)

    @classmethod
    def build(cls, name: str, path: str, nodes: list[ast.Node]) -> Template:
        """Parse results into a template: its blocks, macros, imports and parent."""
        tpl = cls(name, path, nodes)

        def find_blocks(body: list[ast.Node]) -> None:
            for node in body:
                if isinstance(node, ast.Block):
                    if node.name in tpl.blocks:
                        raise TeraError(
                            f"Block `{node.name}` is duplicated", line=node.line, file=path
                        )
                    tpl.blocks[node.name] = node
                    find_blocks(node.body)

        find_blocks(nodes)
        for node in nodes:
            if isinstance(node, ast.Extends):
                tpl.parent = node.name
            elif isinstance(node, ast.MacroDef):
                if node.name in tpl.macros:
                    raise TeraError(f"Macro `{node.name}` is duplicated", line=node.line, file=path)
                tpl.macros[node.name] = node
            elif isinstance(node, ast.ImportMacro):
                tpl.imports.append((node.file, node.namespace))
        return tpl


Loader = Callable[[str], Template]
"""Returns the template of a name, or raises :class:`TeraError` (missing, refused)."""


class _Loop:
    def __init__(self, key: str | None, name: str, items: list[tuple[str | None, Value]]) -> None:
        self.key_name = key
        self.value_name = name
        self.items = items
        self.index = 0
        self.state = "normal"


class _Frame:
    def __init__(self, kind_: str, template: Template, loop: _Loop | None = None) -> None:
        self.kind = kind_
        self.template = template
        self.context: dict[str, Value] = {}
        self.loop = loop
        self.macro_label = ""

    def find(self, root: str, tail: list[str]) -> Value:
        """The value of ``root`` (then ``tail``) in this frame, or ``MISSING``."""
        if root in self.context:
            found = _walk(self.context[root], tail)
            if found is not MISSING:
                return found
        loop = self.loop
        if loop is None:
            return MISSING
        key, value = loop.items[loop.index]
        if loop.key_name == root and not tail:
            return key
        if root == "loop":
            if len(tail) != 1:
                return MISSING
            return {
                "index": loop.index + 1,
                "index0": loop.index,
                "first": loop.index == 0,
                "last": loop.index == len(loop.items) - 1,
            }.get(tail[0], MISSING)
        if root == loop.value_name:
            return _walk(value, tail)
        return MISSING


def _walk(value: Value, tail: list[str]) -> Value:
    for token in tail:
        if isinstance(value, dict):
            value = value.get(token, MISSING)
        elif isinstance(value, list):
            if (
                not token.isdigit()
                or (token.startswith("0") and token != "0")
                or int(token) >= len(value)
            ):
                return MISSING
            value = value[int(token)]
        else:
            return MISSING
        if value is MISSING:
            return MISSING
    return value


def _split_path(path: str) -> tuple[str, list[tuple[str, str]]]:
    """``a.b[0]["c"][d.e]`` -> ``("a", [("key","b"), ("key","0"), ("key","c"), ("var","d.e")])``."""
    index = 0
    while index < len(path) and path[index] not in ".[":
        index += 1
    root = path[:index]
    parts: list[tuple[str, str]] = []
    while index < len(path):
        if path[index] == ".":
            end = index + 1
            while end < len(path) and path[end] not in ".[":
                end += 1
            parts.append(("key", path[index + 1 : end]))
            index = end
            continue
        depth = 0
        end = index
        quote = ""
        while end < len(path):
            char = path[end]
            if quote:
                quote = "" if char == quote else quote
            elif char in "\"'":
                quote = char
            elif char == "[":
                depth += 1
            elif char == "]":
                depth -= 1
                if depth == 0:
                    break
            end += 1
        inner = path[index + 1 : end]
        if inner[:1] in "\"'":
            parts.append(("key", inner[1:-1]))
        elif inner[:1] == "-" or inner[:1].isdigit():
            parts.append(("key", inner))
        else:
            parts.append(("var", inner))
        index = end + 1
    return root, parts


class _Output:
    def __init__(self, budget: RenderBudget) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.budget = budget

    def write(self, text: str) -> None:
        """Append text, checking the output budget."""
        self.size += len(text)
        self.budget.check_text(self.size)
        self.parts.append(text)

    def text(self) -> str:
        """Everything written so far."""
        return "".join(self.parts)


class Renderer:
    """Renders one template of a loaded set with a context, as Tera does."""

    def __init__(
        self, template: Template, load: Loader, context: dict[str, Value], budget: RenderBudget
    ) -> None:
        self.template = template
        self.load = load
        self.user = context
        self.budget = budget
        self.parents = self._parents(template)
        self.root = self.load(self.parents[-1]) if self.parents else template
        self.stack = [_Frame("origin", template)]
        self.blocks: list[tuple[str, str, int]] = []
        self.namespaces: dict[str, dict[str, tuple[str, dict[str, ast.MacroDef]]]] = {}
        self.depth = 0
        self.location: tuple[str, int | None] = (template.path, None)

    # -- loading -----------------------------------------------------------

    def _parents(self, template: Template) -> list[str]:
        names: list[str] = []
        current = template
        while current.parent is not None:
            if current.parent == template.name or current.parent in names:
                chain = " > ".join([template.name, *names, current.parent])
                raise TeraError(f"circular extend detected: {chain}", file=template.path)
            parent = self.load(current.parent)
            names.append(parent.name)
            current = parent
        return names

    def _namespaces_of(self, tpl: Template) -> dict[str, tuple[str, dict[str, ast.MacroDef]]]:
        if tpl.name in self.namespaces:
            return self.namespaces[tpl.name]
        spaces: dict[str, tuple[str, dict[str, ast.MacroDef]]] = {}
        self.namespaces[tpl.name] = spaces
        if tpl.macros:
            spaces["self"] = (tpl.name, tpl.macros)
        for file, namespace in tpl.imports:
            imported = self.load(file)
            spaces[namespace] = (imported.name, imported.macros)
            for name, entry in self._namespaces_of(imported).items():
                spaces.setdefault(name, entry)
        for parent in self._parents(tpl):
            for name, entry in self._namespaces_of(self.load(parent)).items():
                spaces.setdefault(name, entry)
        return spaces

    # -- entry point ---------------------------------------------------------

    def render(self) -> str:
        """Render the template (through its root, if it extends another)."""
        out = _Output(self.budget)
        self._namespaces_of(self.template)
        self.render_body(self.root.nodes, out, self.root)
        return out.text()

    # -- nodes -------------------------------------------------------------

    @property
    def frame(self) -> _Frame:
        """The innermost frame."""
        return self.stack[-1]

    def render_body(self, body: list[ast.Node], out: _Output, tpl: Template) -> None:
        """Render nodes until a ``break``/``continue`` stops the current loop body."""
        for node in body:
            self.budget.tick()
            try:
                self.render_node(node, out, tpl)
            except TeraError as exc:
                raise exc.located(tpl.path, node.line) from exc.__cause__
            if self.frame.loop is not None and self.frame.loop.state != "normal":
                break

    def render_node(self, node: ast.Node, out: _Output, tpl: Template) -> None:
        """Render one node."""
        if isinstance(node, ast.Text | ast.Raw):
            out.write(node.text)
        elif isinstance(node, ast.Variable):
            out.write(render(self.eval(node.expr)))
        elif isinstance(node, ast.Set):
            value = self.eval(node.value)
            target = self.frame
            if node.global_ and target.kind == "for":
                target = next(f for f in reversed(self.stack) if f.kind != "for")
            target.context[node.key] = value
        elif isinstance(node, ast.If):
            for _, expr, body in node.conditions:
                if self.eval_bool(expr):
                    self.render_body(body, out, tpl)
                    return
            if node.otherwise is not None:
                self.render_body(node.otherwise[1], out, tpl)
        elif isinstance(node, ast.ForLoop):
            self.render_for(node, out, tpl)
        elif isinstance(node, ast.Break | ast.Continue):
            loop = self.frame.loop
            if loop is None:
                word = "break" if isinstance(node, ast.Break) else "continue"
                raise TeraError(f"Attempted `{word}` while not in `for loop`")
            loop.state = "break" if isinstance(node, ast.Break) else "continue"
        elif isinstance(node, ast.FilterSection):
            inner = self.nested_output(lambda sub: self.render_body(node.body, sub, tpl))
            if node.filter.name == "safe":
                out.write(inner)
            else:
                out.write(render(self.apply_filter(inner, node.filter)))
        elif isinstance(node, ast.Block):
            self.render_block(node, 0, out)
        elif isinstance(node, ast.Super):
            self.do_super(out)
        elif isinstance(node, ast.Include):
            self.render_include(node, out)
        elif isinstance(node, ast.Extends):
            raise TeraError(
                "Inheritance in included templates is currently not supported: "
                f"extended `{node.name}`"
            )
        # comments, macro definitions and imports render nothing

    def nested_output(self, fill: Callable[[_Output], None]) -> str:
        """Render into a separate buffer (macro calls, filter sections), one level deeper."""
        self.depth += 1
        self.budget.check_depth(self.depth)
        try:
            sub = _Output(self.budget)
            fill(sub)
            return sub.text()
        finally:
            self.depth -= 1

    def render_for(self, node: ast.ForLoop, out: _Output, tpl: Template) -> None:
        """Render a ``for`` loop over an array, a string's characters or an object."""
        val = node.container.val
        if isinstance(val, ast.Ident):
            name = val.path
        elif isinstance(val, ast.Call):
            name = val.call.name
        elif isinstance(val, ast.ArrayLit):
            name = "an array literal"
        else:
            raise TeraError(
                "Forloop containers have to be an ident or a function call "
                f"(tried to iterate on {_describe(val)})"
            )
        container = self.eval(node.container)
        items: list[tuple[str | None, Value]]
        if isinstance(container, list | str):
            if node.key is not None:
                raise TeraError(
                    f"Tried to iterate using key value on variable `{name}`, "
                    "but it isn't an object/map"
                )
            if isinstance(container, str):
                items = [(None, g) for g in graphemes(container)]
            else:
                items = [(None, v) for v in container]
        elif isinstance(container, dict):
            if node.key is None:
                raise TeraError(
                    f"Tried to iterate using key value on variable `{name}`, "
                    "but it is missing a key"
                )
            items = sorted(container.items())
        else:
            raise TeraError(
                f"Tried to iterate on a container (`{name}`) that has a unsupported type"
            )
        if not items:
            if node.empty_body is not None:
                self.render_body(node.empty_body, out, tpl)
            return
        loop = _Loop(node.key, node.value, items)
        frame = _Frame("for", self.frame.template, loop)
        self.stack.append(frame)
        try:
            for index in range(len(items)):
                loop.index = index
                loop.state = "normal"
                frame.context.clear()
                self.budget.tick()
                self.render_body(node.body, out, tpl)
                if loop.state == "break":
                    break
        finally:
            self.stack.pop()

    def level_template(self, level: int) -> Template:
        """The template at ``level`` of the inheritance chain (0: the one rendered)."""
        return self.template if level == 0 else self.load(self.parents[level - 1])

    def render_block(self, block: ast.Block, level: int, out: _Output) -> None:
        """Render a block with the nearest definition from the child up."""
        while True:
            tpl = self.level_template(level)
            if block.name in tpl.blocks:
                self.blocks.append((block.name, tpl.name, level))
                self.render_body(tpl.blocks[block.name].body, out, tpl)
                return
            if level >= len(self.parents):
                self.render_body(block.body, out, self.root)
                return
            level += 1

    def do_super(self, out: _Output) -> None:
        """Render the parent's definition of the block being rendered."""
        if not self.blocks:
            raise TeraError("Tried to use super() in the top level block")
        name, _, level = self.blocks[-1]
        next_level = level + 1
        while next_level <= len(self.parents):
            tpl = self.load(self.parents[next_level - 1])
            if name in tpl.blocks:
                self.blocks.append((name, tpl.name, next_level))
                self.render_body(tpl.blocks[name].body, out, tpl)
                self.blocks.pop()
                if next_level >= len(self.parents):
                    self.blocks.pop()
                return
            next_level += 1
        raise TeraError("Tried to use super() in the top level block")

    def render_include(self, node: ast.Include, out: _Output) -> None:
        """Render the first of the named templates that exists."""
        for name in node.names:
            try:
                included = self.load(name)
            except TemplateNotFound:
                continue
            self._namespaces_of(included)
            self.depth += 1
            self.budget.check_depth(self.depth)
            self.stack.append(_Frame("include", included))
            try:
                self.render_body(included.nodes, out, included)
            finally:
                self.stack.pop()
                self.depth -= 1
            return
        if not node.ignore_missing:
            names = " or ".join(f"'{name}'" for name in node.names)
            raise TemplateNotFound(f"includes a missing file {names}")

    # -- lookups -------------------------------------------------------------

    def lookup(self, path: str) -> Value:
        """The value of a variable path, or ``MISSING``."""
        if path == _DUMP:
            return to_json(self.dump_context(), pretty=True)
        root, parts = _split_path(path)
        tail: list[str] = []
        for part_kind, text in parts:
            if part_kind == "key":
                tail.append(text)
                continue
            value = self.lookup(text)
            if value is MISSING:
                raise TeraError(
                    f"Variable {path} can not be evaluated because: "
                    f"Variable `{text}` not found in context"
                )
            if isinstance(value, str):
                tail.append(value)
            elif is_number(value):
                tail.extend(render(value).split("."))
            else:
                raise TeraError(
                    "Only variables evaluating to String or Number can be used as index "
                    f"(`{text}` of `{path}`)"
                )
        for frame in reversed(self.stack):
            found = frame.find(root, tail)
            if found is not MISSING:
                return found
            if frame.kind in ("macro", "origin"):
                break
        if root in self.user:
            return _walk(self.user[root], tail)
        return MISSING

    def lookup_or_fail(self, path: str) -> Value:
        """The value of a variable path; an error naming it if it is missing."""
        value = self.lookup(path)
        if value is MISSING:
            raise TeraError(
                f"Variable `{path}` not found in context while rendering '{self.template.name}'"
            )
        return value

    def dump_context(self) -> dict[str, Value]:
        """What ``__tera_context`` prints."""
        merged: dict[str, Value] = {}
        for frame in reversed(self.stack):
            merged.update(frame.context)
            if frame.loop is not None:
                key, value = frame.loop.items[frame.loop.index]
                merged[frame.loop.value_name] = value
                if frame.loop.key_name is not None:
                    merged[frame.loop.key_name] = key
            if frame.kind == "macro":
                return dict(sorted(merged.items()))
        return dict(sorted({**self.user, **merged}.items()))

    # -- expressions -----------------------------------------------------------

    def eval(self, expr: ast.Expr) -> Value:
        """Evaluate an expression, its filters and its ``not``."""
        self.budget.tick()
        val = expr.val
        result: Value
        if isinstance(val, ast.ArrayLit):
            result = [self.eval(item) for item in val.items]
        elif isinstance(val, ast.In):
            result = self.eval_in(val)
        elif isinstance(val, ast.StrLit):
            result = val.value
        elif isinstance(val, ast.Concat):
            result = self.eval_concat(val)
        elif isinstance(val, ast.IntLit | ast.FloatLit | ast.BoolLit):
            result = val.value
        elif isinstance(val, ast.Ident):
            found = self.lookup(val.path)
            if found is MISSING or (found is None and expr.has_default_filter()):
                if expr.has_default_filter():
                    if "value" not in expr.filters[0].args:
                        raise TeraError("The `default` filter requires a `value` argument.")
                    found = self.eval(expr.filters[0].args["value"])
                elif expr.negated:
                    return True
                else:
                    self.lookup_or_fail(val.path)
            result = found
        elif isinstance(val, ast.Call):
            result = self.call_function(val.call)
        elif isinstance(val, ast.MacroCall):
            result = self.nested_output(lambda sub: self.eval_macro(val, sub))
        elif isinstance(val, ast.Test):
            result = self.eval_test(val)
        elif isinstance(val, ast.Logic):
            result = self.eval_bool(expr)
            return result
        else:
            number = self.eval_number(val)
            result = "NaN" if number is None else number
        for call in expr.filters:
            if call.name in ("safe", "default"):
                continue
            result = self.apply_filter(result, call)
        if expr.negated:
            return not truthy(result)
        return result

    def eval_concat(self, val: ast.Concat) -> str:
        """Evaluate ``a ~ b ~ c``."""
        pieces: list[str] = []
        size = 0
        for part in val.values:
            if isinstance(part, ast.StrLit):
                piece = part.value
            elif isinstance(part, ast.IntLit | ast.FloatLit):
                piece = render(part.value)
            else:
                value = (
                    self.lookup_or_fail(part.path)
                    if isinstance(part, ast.Ident)
                    else self.call_function(part.call)
                )
                if not (isinstance(value, str) or is_number(value)):
                    where = (
                        f"ident {part.path}"
                        if isinstance(part, ast.Ident)
                        else f"function call {part.call.name}"
                    )
                    raise TeraError(
                        f"Tried to concat a value that is not a string or a number from {where}"
                    )
                piece = render(value)
            size += len(piece)
            self.budget.check_text(size, "a concatenated string")
            pieces.append(piece)
        return "".join(pieces)

    def eval_in(self, cond: ast.In) -> bool:
        """Evaluate ``x in y``."""
        lhs = self.eval(cond.lhs)
        rhs = self.eval(cond.rhs)
        if isinstance(rhs, list):
            present = any(value_eq(item, lhs) for item in rhs)
        elif isinstance(rhs, str | dict):
            if not isinstance(lhs, str):
                what = "string" if isinstance(rhs, str) else "object"
                raise TeraError(
                    f"Tried to check if {to_json(lhs)} is in a {what}, but it isn't a string"
                )
            present = lhs in rhs
        else:
            raise TeraError("The `in` operator only supports strings, arrays and objects.")
        return not present if cond.negated else present

    def eval_test(self, test: ast.Test) -> bool:
        """Evaluate ``x is test(args)``."""
        if test.name not in TESTS:
            raise TeraError(f"Test '{test.name}' not found")
        args = [self.eval(arg) for arg in test.args]
        try:
            found = self.lookup(test.ident)
        except TeraError:
            found = MISSING
        try:
            result = TESTS[test.name](found, args)
        except UnsupportedConstruct:
            raise
        except TeraError as exc:
            raise TeraError(f"Test call '{test.name}' failed: {exc.message}") from exc
        return not result if test.negated else result

    def call_function(self, call: ast.FunctionCall) -> Value:
        """Call a global function."""
        if call.name not in FUNCTIONS:
            raise TeraError(f"Function '{call.name}' not found")
        args = {name: self.eval(value) for name, value in call.args.items()}
        self.budget.tick()
        try:
            return FUNCTIONS[call.name](args, self.budget)
        except (UnsupportedConstruct, BudgetExceeded):
            raise
        except TeraError as exc:
            raise TeraError(f"Function call '{call.name}' failed: {exc.message}") from exc

    def apply_filter(self, value: Value, call: ast.FunctionCall) -> Value:
        """Apply one filter, checking the size of its result."""
        if call.name not in FILTERS:
            raise TeraError(f"Filter '{call.name}' not found")
        args = {name: self.eval(arg) for name, arg in call.args.items()}
        self.budget.tick()
        try:
            result = FILTERS[call.name](value, args, self.budget)
        except (UnsupportedConstruct, BudgetExceeded):
            raise
        except TeraError as exc:
            raise TeraError(f"Filter call '{call.name}' failed: {exc.message}") from exc
        if isinstance(result, str):
            self.budget.check_text(len(result), f"the result of `{call.name}`")
        elif isinstance(result, list):
            self.budget.check_items(len(result), f"the result of `{call.name}`")
        return result

    def macro_template_name(self) -> str:
        """The template whose macro namespaces a call resolves in (Tera's rule)."""
        if self.blocks:
            return self.blocks[-1][1]
        if self.template.name != self.root.name:
            return self.root.name
        return self.frame.template.name

    def eval_macro(self, call: ast.MacroCall, out: _Output) -> None:
        """Call a macro, rendering its body into ``out``."""
        owner = self.macro_template_name()
        spaces = self.namespaces.get(owner) or self._namespaces_of(self.load(owner))
        if call.namespace not in spaces:
            raise TeraError(
                f"Macro namespace `{call.namespace}` was not found in template `{owner}`. "
                "Have you maybe forgotten to import it, or misspelled it?"
            )
        macro_file, macros = spaces[call.namespace]
        if call.name not in macros:
            raise TeraError(
                f"Macro `{call.namespace}::{call.name}` not found in template `{owner}`"
            )
        definition = macros[call.name]
        frame = _Frame("macro", self.load(macro_file))
        for arg, default in definition.args.items():
            if arg in call.args:
                frame.context[arg] = self.eval(call.args[arg])
            elif default is not None:
                frame.context[arg] = self.eval(default)
            else:
                raise TeraError(f"Macro `{call.name}` is missing the argument `{arg}`")
        self.stack.append(frame)
        try:
            self.render_body(definition.body, out, frame.template)
        finally:
            self.stack.pop()

    def eval_bool(self, expr: ast.Expr) -> bool:
        """Evaluate an expression as a condition, with Tera's special cases."""
        val = expr.val
        result: bool
        if isinstance(val, ast.Logic):
            if val.op == "or":
                result = self.eval_bool(val.lhs) or self.eval_bool(val.rhs)
            elif val.op == "and":
                result = self.eval_bool(val.lhs) and self.eval_bool(val.rhs)
            elif val.op in ("<", "<=", ">", ">="):
                left = self.eval_expr_number(val.lhs)
                right = self.eval_expr_number(val.rhs)
                if left is None or right is None:
                    raise TeraError("Comparison to NaN")
                lf, rf = float(left), float(right)
                result = {"<": lf < rf, "<=": lf <= rf, ">": lf > rf, ">=": lf >= rf}[val.op]
            else:
                lhs = self.eval(val.lhs)
                rhs = self.eval(val.rhs)
                if is_number(lhs) or is_number(rhs):
                    same = is_number(lhs) and is_number(rhs) and float(lhs) == float(rhs)
                    if not (is_number(lhs) and is_number(rhs)):
                        return False  # Tera returns here, before applying `not`
                else:
                    same = value_eq(lhs, rhs)
                result = same if val.op == "==" else not same
        elif isinstance(val, ast.Ident):
            try:
                value = self.eval(expr)
            except BudgetExceeded:
                raise
            except TeraError:
                value = False
            result = truthy(value)
            if expr.negated:
                result = not result
        elif isinstance(val, ast.Math | ast.IntLit | ast.FloatLit):
            number = self.eval_number(val)
            result = number is not None and float(number) != 0.0
        elif isinstance(val, ast.In):
            result = self.eval_in(val)
        elif isinstance(val, ast.Test):
            result = self.eval_test(val)
        elif isinstance(val, ast.BoolLit):
            result = val.value
        elif isinstance(val, ast.StrLit):
            result = val.value != ""
        elif isinstance(val, ast.Call):
            value = self.call_function(val.call)
            if not isinstance(value, bool):
                raise TeraError(
                    f"Function `{val.call.name}` was used in a logic operation "
                    "but is not returning a bool"
                )
            result = value
        elif isinstance(val, ast.Concat):
            result = self.eval_concat(val) != ""
        elif isinstance(val, ast.MacroCall):
            result = self.nested_output(lambda sub: self.eval_macro(val, sub)) != ""
        else:
            raise UnsupportedConstruct(
                f"{_describe(val)} used as a condition (Tera 1.20 crashes on it)"
            )
        return not result if expr.negated else result

    def eval_expr_number(self, expr: ast.Expr) -> int | float | None:
        """Evaluate an operand of math or a comparison as a number."""
        if expr.filters:
            value = self.eval(expr)
            if not is_number(value):
                raise TeraError("Tried to do math with an expression not resulting in a number")
            return value  # type: ignore[no-any-return]
        return self.eval_number(expr.val)

    def eval_number(self, val: ast.ExprVal) -> int | float | None:
        """Evaluate math; ``None`` stands for Tera's NaN."""
        if isinstance(val, ast.Ident):
            value = self.lookup_or_fail(val.path)
            if not is_number(value):
                raise TeraError(
                    f"Variable `{val.path}` was used in a math operation but is not a number"
                )
            return value  # type: ignore[no-any-return]
        if isinstance(val, ast.IntLit | ast.FloatLit):
            return val.value
        if isinstance(val, ast.Math):
            left = self.eval_expr_number(val.lhs)
            right = self.eval_expr_number(val.rhs)
            if left is None or right is None:
                return None
            return _math(left, val.op, right, val)
        if isinstance(val, ast.Call):
            value = self.call_function(val.call)
            if not is_number(value):
                raise TeraError(
                    f"Function `{val.call.name}` was used in a math operation "
                    "but is not returning a number"
                )
            return value  # type: ignore[no-any-return]
        if isinstance(val, ast.StrLit):
            raise TeraError(f"Tried to do math with a string: `{val.value}`")
        if isinstance(val, ast.BoolLit):
            raise TeraError(f"Tried to do math with a boolean: `{render(val.value)}`")
        if isinstance(val, ast.Concat):
            raise TeraError("Tried to do math with a string concatenation")
        if isinstance(val, ast.Test):
            raise TeraError(f"Tried to do math with a test: {val.name}")
        raise UnsupportedConstruct(f"math with {_describe(val)} (Tera 1.20 crashes on it)")


def _describe(val: ast.ExprVal) -> str:
    return {
        ast.ArrayLit: "an array literal",
        ast.In: "an `in` condition",
        ast.Logic: "a comparison",
        ast.MacroCall: "a macro call",
        ast.StrLit: "a string",
        ast.Concat: "a string concatenation",
        ast.Test: "a test",
        ast.BoolLit: "a boolean",
    }.get(type(val), "this expression")


def _math(left: int | float, op: str, right: int | float, node: ast.Math) -> int | float | None:
    both_i64 = is_i64(left) and is_i64(right)
    both_u64 = is_u64(left) and is_u64(right)
    if op == "/":
        if float(right) == 0.0:
            quotient = (
                math.nan
                if float(left) == 0.0
                else math.copysign(math.inf, float(left)) * math.copysign(1.0, float(right))
            )
        else:
            quotient = float(left) / float(right)
        if math.isnan(quotient) or math.isinf(quotient):
            return None
        if quotient == round(quotient):
            return max(I64_MIN, min(I64_MAX, int(quotient)))
        return quotient
    if op == "%":
        if both_i64 or both_u64:
            if right == 0:
                raise TeraError("Tried to do a modulo by zero")
            if left == I64_MIN and right == -1:
                raise TeraError(f"{left} % {right} results in an out of bounds i64")
            remainder = abs(int(left)) % abs(int(right))
            return -remainder if left < 0 else remainder
        result = math.fmod(float(left), float(right)) if float(right) != 0.0 else math.nan
        return None if math.isnan(result) else result
    if both_i64 or both_u64:
        exact = {"+": left + right, "-": left - right, "*": left * right}[op]
        low, high, label = (I64_MIN, I64_MAX, "i64") if both_i64 else (0, U64_MAX, "u64")
        if not low <= exact <= high:
            symbol = "x" if op == "*" else op
            raise TeraError(f"{left} {symbol} {right} results in an out of bounds {label}")
        return int(exact)
    lf, rf = float(left), float(right)
    result = {"+": lf + rf, "-": lf - rf, "*": lf * rf}[op]
    if math.isinf(result) or math.isnan(result):
        if op == "*":
            return None
        raise UnsupportedConstruct(
            f"`{render(left)} {op} {render(right)}` overflows a float (Tera 1.20 crashes on it)"
        )
    return result
