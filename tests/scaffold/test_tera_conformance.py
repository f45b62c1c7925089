"""Plugin templates render as Tera 1.20 renders them: a conformance table.

Each row is a construct from Tera's documentation (docs/content/docs/_index.md
at the 1.20.1 tag) with the output Tera produces, taken from that page's
examples and from Tera's own test tables (src/renderer/tests/*.rs,
src/builtins/**.rs); a few rows pin a documented error instead. The engine is
exercised directly here (one temporary template directory per row); the
refused constructs at the end go through the real CLI.
"""

# ruff: noqa: E501 - the conformance table keeps each template on one line
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tasker_ctl.scaffold.tera import RenderBudget, TemplateSet, TeraError
from tests.helpers import build_file_tree
from tests.scaffold.plugin_support import plugin_files, prefixed, write_config

CONTEXT: dict[str, Any] = {
    "name": "john",
    "a": 2,
    "b": 3,
    "numbers": [1, 2, 3],
    "review": {"title": "Tera", "paragraphs": ["A", "B"]},
    "empty": [],
    "nothing": None,
    "people": [
        {"name": "Ana", "age": 30, "city": "Oslo"},
        {"name": "Bo", "age": 25, "city": "Rome"},
        {"name": "Cy", "age": 30, "city": None},
    ],
    "key": "title",
    "idx": 1,
    "html": "<b>Joel</b>",
    "crlf": "Hello\r\nworld\n",
}


def render(tmp_path: Path, main: str, **others: str) -> str:
    build_file_tree(
        tmp_path, {"main.tera": main, **{k.replace("__", "."): v for k, v in others.items()}}
    )
    templates = TemplateSet(tmp_path, tmp_path, RenderBudget().start())
    templates.parse_all()
    return templates.render("main.tera", CONTEXT)


# (construct, template, expected output)
CASES: list[tuple[str, str, str]] = [
    # literals
    ("integer literal", "{{ 1 }}", "1"),
    ("float literal", "{{ 3.18 }}", "3.18"),
    ("float with a whole value", "{{ 2.0 }}", "2"),
    ("double-quoted string", '{{ "hey" }}', "hey"),
    ("single-quoted string", "{{ 'html' }}", "html"),
    ("backquoted string", "{{ `html` }}", "html"),
    ("delimiters inside a string", '{{ "{{ hey }}" }}', "{{ hey }}"),
    ("backslashes stay as written", r'{{ "a\nb\t\\" }}', r"a\nb\t\\"),
    ("true", "{{ true }}", "true"),
    ("False spelled with a capital", "{{ False }}", "false"),
    ("array literal", "{{ [1, 2, 3] }}", "[1, 2, 3]"),
    ("array with a trailing comma", "{{ [1, true, 'x',] }}", "[1, true, x]"),
    ("object prints as [object]", "{{ review }}", "[object]"),
    ("null prints nothing", "[{{ nothing }}]", "[]"),
    # variables
    ("variable", "{{ name }}", "john"),
    ("dot notation", "{{ review.title }}", "Tera"),
    ("array index by dot", "{{ review.paragraphs.1 }}", "B"),
    ("square brackets with a string", "{{ review['title'] }}", "Tera"),
    ("square brackets with a variable", "{{ review[key] }}", "Tera"),
    ("square brackets with an integer variable", "{{ numbers[idx] }}", "2"),
    # math
    ("addition", "{{ 1 + 1 }}", "2"),
    ("int plus float", "{{ 1 + 1.1 }}", "2.1"),
    ("subtraction", "{{ 3 - 1.1 }}", "1.9"),
    ("multiplication", "{{ 2.1 * 5 }}", "10.5"),
    ("division with a whole result", "{{ 10 / 5 }}", "2"),
    ("division with a fraction", "{{ 2.1 / 0.5 }}", "4.2"),
    ("division by zero", "{{ 1 / 0 }}", "NaN"),
    ("modulo", "{{ 2 * 4 % 8 }}", "0"),
    ("precedence", "{{ 2 + 1 * 2 }} {{ (2 + 1) * 2 }}", "4 6"),
    ("filters bind loosest", "{{ 2.8 * 2 | round }}", "6"),
    ("filter then math", "{{ numbers | length - 1 }}", "2"),
    ("nested parentheses", "{{ 4 + 40 / (2 + 8) / 4 }}", "5"),
    ("math on variables", "{{ a + b }} {{ a + 1.5 }}", "5 3.5"),
    # comparisons and logic
    ("equality", "{{ 1 == 1 }} {{ 1 == 1.0 }} {{ 'a' != 'b' }}", "true true true"),
    ("number against string", "{{ 1 == '1' }}", "false"),
    ("ordering", "{{ 2 > 1 }} {{ 2 <= 1 }}", "true false"),
    ("and/or", "{{ false and true or true }}", "true"),
    ("and with a number", "{{ true and 10 }}", "true"),
    ("not", "{{ not true }} {{ true and not 10 }}", "false false"),
    ("not on an undefined variable", "{{ not missing_var }}", "true"),
    ("in an array", "{{ 2 in numbers }} {{ 5 not in numbers }}", "true true"),
    ("in a string", "{{ 'oh' in name }}", "true"),
    ("in an object", "{{ 'title' in review }}", "true"),
    ("concatenation", "{{ 'hello ' ~ name ~ 1 ~ `!` }}", "hello john1!"),
    # tags
    ("if/elif/else", "{% if a > 5 %}x{% elif a == 2 %}y{% else %}z{% endif %}", "y"),
    ("undefined is falsy in if", "{% if missing_var %}x{% else %}n{% endif %}", "n"),
    ("for over an array", "{% for n in numbers %}{{ n }}{% endfor %}", "123"),
    ("for over a string", "{% for c in name | upper %}{{ c }}.{% endfor %}", "J.O.H.N."),
    (
        "for over an object, ordered by key",
        "{% for k, v in review %}{{ k }}={{ v | length }};{% endfor %}",
        "paragraphs=2;title=4;",
    ),
    ("for over a filtered container", "{% for n in numbers | reverse %}{{ n }}{% endfor %}", "321"),
    ("for over an array literal", "{% for a in [1,2,3,] %}{{ a }}{% endfor %}", "123"),
    ("for with else", "{% for e in empty %}x{% else %}none{% endfor %}", "none"),
    (
        "loop variables",
        "{% for n in numbers %}{{ loop.index }}{{ loop.index0 }}{{ loop.first }}"
        "{{ loop.last }} {% endfor %}",
        "10truefalse 21falsefalse 32falsetrue ",
    ),
    (
        "break",
        "{% for n in numbers %}{% if n == 2 %}{% break %}{% endif %}{{ n }}{% endfor %}",
        "1",
    ),
    (
        "continue",
        "{% for n in numbers %}{% if loop.index is even %}{% continue %}{% endif %}{{ n }}"
        "{% endfor %}",
        "13",
    ),
    ("set", "{% set x = a + 4 %}{{ x }}", "6"),
    ("set an array", "{% set x = [1, true, a | round] %}{{ x }}", "[1, true, 2]"),
    (
        "set in a loop lasts one iteration",
        "{% set x = 0 %}{% for n in numbers %}{% set x = n %}{% endfor %}{{ x }}",
        "0",
    ),
    (
        "set_global in a loop",
        "{% set_global c = 0 %}{% for n in [1,2,3,4] %}{% set_global c = c + 1 %}{% endfor %}"
        "{{ c }}",
        "4",
    ),
    ("raw", "{% raw %}Hello {{ name }}{% endraw %}", "Hello {{ name }}"),
    ("comment", "a{# a comment #}b", "ab"),
    ("filter section", "{% filter upper %}Hello {{ name }}{% endfilter %}", "HELLO JOHN"),
    # whitespace control
    ("plain set keeps the newline", "{% set my_var = 2 %}\n{{ my_var }}", "\n2"),
    ("-%} trims after", "{% set my_var = 2 -%}\n{{ my_var }}", "2"),
    ("{%- trims before", "a  \n{%- if true %}b{% endif %}", "ab"),
    ("both sides of a variable", "a {{- name -}} b", "ajohnb"),
    ("comment trims", "a {#- x -#} b", "ab"),
    ("if body trimmed inside", "{% if true -%}  a  {%- endif %}", "a"),
    ("leading comment is not a trimming node", "{#- c -#}\nHello", "\nHello"),
    # tests
    ("defined", "{{ name is defined }} {{ missing_var is defined }}", "true false"),
    ("undefined", "{{ missing_var is undefined }}", "true"),
    ("is not", "{{ name is not defined }} {{ not name is not defined }}", "false true"),
    ("odd/even", "{{ a is odd }} {{ a is even }}", "false true"),
    ("string/number", "{{ name is string }} {{ a is number }}", "true true"),
    ("divisibleby", "{{ b is divisibleby(3) }}", "true"),
    ("iterable/object", "{{ numbers is iterable }} {{ numbers is object }}", "true false"),
    (
        "starting_with/ending_with",
        "{{ name is starting_with('jo') }} {{ name is ending_with('x') }}",
        "true false",
    ),
    ("containing", "{{ name is containing('oh') }} {{ numbers is containing(2) }}", "true true"),
    ("matching", "{{ name is matching('^[Jj]o') }}", "true"),
    (
        "matching is Unicode-aware like Rust",
        "{% set w = 'élan' %}{{ w is matching('^\\w+$') }}",
        "true",
    ),
    # string filters
    ("lower/upper", "{{ 'HeLLo' | lower }} {{ 'HeLLo' | upper }}", "hello HELLO"),
    ("wordcount", "{{ 'Joel is a slug' | wordcount }}", "4"),
    ("capitalize", "{{ 'CAPITAL IZE' | capitalize }}", "Capital ize"),
    ("replace", "{{ 'Hello Robert' | replace(from='Robert', to='Bob') }}", "Hello Bob"),
    ("addslashes", '{{ "I\'m using Tera" | addslashes }}', "I\\'m using Tera"),
    ("slugify", "{{ '-Hello world! ' | slugify }}", "hello-world"),
    ("title", "{{ 'foo  bar' | title }}", "Foo  Bar"),
    ("trim", "{{ '  a b  ' | trim }}|{{ '  a' | trim_start }}|{{ 'a  ' | trim_end }}|", "a b|a|a|"),
    ("trim_start_matches", "{{ '//a/b/c//' | trim_start_matches(pat='//') }}", "a/b/c//"),
    ("trim_end_matches", "{{ '//a/b/c//' | trim_end_matches(pat='//') }}", "//a/b/c"),
    ("truncate", "{{ 'Hello World' | truncate(length=5) }}", "Hello…"),
    ("truncate with end", "{{ 'Hello World' | truncate(length=5, end='') }}", "Hello"),
    ("truncate a short string", "{{ 'Hi' | truncate(length=5) }}", "Hi"),
    ("linebreaksbr", "{{ crlf | linebreaksbr }}", "Hello<br>world<br>"),
    ("spaceless", "{{ '<p>\n<a> </a>\r\n </p>' | spaceless }}", "<p><a></a></p>"),
    ("indent", "{{ 'a\nb\n\nc' | indent(prefix='> ') }}", "a\n> b\n\n> c"),
    (
        "indent first and blank",
        "{{ 'a\n\nb' | indent(prefix='-', first=true, blank=true) }}",
        "-a\n-\n-b",
    ),
    ("striptags", "{{ html | striptags }}", "Joel"),
    ("urlencode", "{{ '/foo?a=b&c=d' | urlencode }}", "/foo%3Fa%3Db%26c%3Dd"),
    ("urlencode_strict", "{{ '/foo?a=b&c=d' | urlencode_strict }}", "%2Ffoo%3Fa%3Db%26c%3Dd"),
    ("escape", "{{ html | escape }}", "&lt;b&gt;Joel&lt;&#x2F;b&gt;"),
    ("escape_xml", "{{ \"<'&'>\" | escape_xml }}", "&lt;&apos;&amp;&apos;&gt;"),
    ("safe is a no-op without autoescape", "{{ html | safe }}", "<b>Joel</b>"),
    ("split", "{{ 'a/b/c' | split(pat='/') }}", "[a, b, c]"),
    ("split on a backslash-n pattern", "{{ 'a\nb' | split(pat='\\n') | length }}", "2"),
    (
        "int",
        "{% set s = '42' %}{{ s | int + 1 }} {{ '0x1F' | int(base=16) }} {{ 'x' | int(default=7) }}",
        "43 31 7",
    ),
    ("float", "{% set f = '1.5' %}{{ f | float + 1 }}", "2.5"),
    ("as_str", "{{ 1 | as_str }}{{ [1, 2] | as_str }}", "1[1, 2]"),
    ("json_encode", "{{ review | json_encode }}", '{"paragraphs":["A","B"],"title":"Tera"}'),
    ("json_encode pretty", "{{ [1] | json_encode(pretty=true) }}", "[\n  1\n]"),
    ("get", "{{ review | get(key='title') }} {{ review | get(key='x', default='d') }}", "Tera d"),
    # array filters
    ("first/last/nth", "{{ numbers | first }}{{ numbers | last }}{{ numbers | nth(n=1) }}", "132"),
    ("first of an empty array", "[{{ empty | first }}]", "[]"),
    ("join", "{{ ['a', 'b', 'c'] | join(sep=' // ') }}", "a // b // c"),
    ("length/reverse", "{{ numbers | length }} {{ 'abc' | reverse }}", "3 cba"),
    (
        "sort",
        "{{ [3, 1, 2] | sort }} {{ people | sort(attribute='age') | map(attribute='name') }}",
        "[1, 2, 3] [Bo, Ana, Cy]",
    ),
    (
        "unique",
        "{{ ['a', 'A', 'b'] | unique }} {{ ['a', 'A'] | unique(case_sensitive=true) }}",
        "[a, b] [a, A]",
    ),
    (
        "slice",
        "{{ [1,2,3,4,5] | slice(end=-2) }} {{ [1,2,3,4,5] | slice(start=1, end=3) }}",
        "[1, 2, 3] [2, 3]",
    ),
    (
        "group_by",
        "{% for age, ps in people | group_by(attribute='age') %}{{ age }}:{{ ps | length }} {% endfor %}",
        "25:1 30:2 ",
    ),
    (
        "filter",
        "{{ people | filter(attribute='age', value=30) | length }} {{ people | filter(attribute='city') | length }}",
        "2 2",
    ),
    ("map", "{{ people | map(attribute='city') }}", "[Oslo, Rome]"),
    (
        "concat",
        "{{ numbers | concat(with=4) }} {{ numbers | concat(with=[5, 6]) }}",
        "[1, 2, 3, 4] [1, 2, 3, 5, 6]",
    ),
    # number filters
    ("abs", "{{ -1 | abs }} {{ -2.5 | abs }}", "1 2.5"),
    (
        "pluralize",
        "{{ 1 | pluralize }}|{{ 2 | pluralize }}|{{ 2 | pluralize(singular='y', plural='ies') }}",
        "|s|ies",
    ),
    (
        "round",
        "{{ 2.5 | round }} {{ 2.1 | round(method='ceil') }} {{ 2.91 | round(method='floor', precision=1) }}",
        "3 3 2.9",
    ),
    ("round with precision", "{{ 3.15159265359 | round(precision=2) }}", "3.15"),
    (
        "filesizeformat",
        "{{ 123456789 | filesizeformat }} {{ 123456789 | filesizeformat(binary=true) }}",
        "117.74 MB 117.74 MiB",
    ),
    ("default on a missing variable", "{{ missing_var | default(value=1) }}", "1"),
    (
        "default keeps an empty string",
        'I would like to read more {{ "" | default (value="Louise Michel") }}!',
        "I would like to read more !",
    ),
    # date
    ("date from a timestamp", "{{ 1648252203 | date }}", "2022-03-25"),
    ("date with a format", "{{ 1648252203 | date(format='%Y-%m-%d %H:%M') }}", "2022-03-25 23:50"),
    (
        "date with a time zone",
        "{{ '2019-09-19T13:18:48.731Z' | date(format='%Y-%m-%d %H:%M', timezone='Asia/Shanghai') }}",
        "2019-09-19 21:18",
    ),
    ("date from a day", "{{ '2019-09-19' | date(format='%A %-d %B') }}", "Thursday 19 September"),
    # functions
    (
        "range",
        "{{ range(end=3) }} {{ range(start=1, end=4) }} {{ range(end=10, step_by=4) }}",
        "[0, 1, 2] [1, 2, 3] [0, 4, 8]",
    ),
    ("now with a date filter", "{{ now() | date(format='%Y') | length }}", "4"),
    ("now as a timestamp", "{{ now(timestamp=true) > 1600000000 }}", "true"),
    ("get_random", "{{ get_random(start=5, end=6) }}", "5"),
    ("get_env with a default", "{{ get_env(name='TASKER_CTL_SURELY_UNSET', default='d') }}", "d"),
    # macros
    (
        "macro with a default argument",
        "{% macro input(label, type='text') %}{{ label }}:{{ type }}{% endmacro input %}"
        "{{ self::input(label='Name') }} {{ self::input(label='Age', type='number') }}",
        "Name:text Age:number",
    ),
    (
        "recursive macro",
        "{% macro factorial(n) %}{% if n > 1 %}{{ n }} - {{ self::factorial(n=n-1) }}"
        "{% else %}1{% endif %}{% endmacro factorial %}{{ self::factorial(n=4) }}",
        "4 - 3 - 2 - 1",
    ),
    (
        "macro sees its arguments, not the caller's set variables",
        "{% macro m() %}{{ x is defined }}{% endmacro m %}{% set x = 1 %}{{ self::m() }}",
        "false",
    ),
]


@pytest.mark.parametrize(("construct", "template", "expected"), CASES, ids=[c[0] for c in CASES])
def test_construct_renders_like_tera(
    tmp_path: Path, construct: str, template: str, expected: str
) -> None:
    assert render(tmp_path, template) == expected


def test_tera_context_dump_is_pretty_json_of_the_visible_context(tmp_path: Path) -> None:
    out = render(tmp_path, "{% set x = 1 %}{{ __tera_context }}")
    assert out.startswith('{\n  "a": 2,\n  "b": 3,')
    assert '\n  "x": 1\n}' in out


MULTI_FILE: list[tuple[str, dict[str, str], str]] = [
    ("include", {"main.tera": 'a{% include "part.tera" %}c', "part.tera": "{{ name }}"}, "ajohnc"),
    (
        "include the first that exists",
        {"main.tera": '{% include ["nope.tera", "part.tera"] %}', "part.tera": "P"},
        "P",
    ),
    ("include ignore missing", {"main.tera": '[{% include "nope.tera" ignore missing %}]'}, "[]"),
    (
        "set in an include stays there",
        {
            "main.tera": '{% include "part.tera" %}{{ x is defined }}',
            "part.tera": "{% set x = 1 %}",
        },
        "false",
    ),
    (
        "inheritance with super()",
        {
            "grandparent.tera": "{% block hey %}hello{% endblock hey %}",
            "parent.tera": '{% extends "grandparent.tera" %}{% block hey %}hi and grandma says '
            "{{ super() }} {% block ending %}sincerely{% endblock ending %}{% endblock hey %}",
            "main.tera": '{% extends "parent.tera" %}{% block hey %}dad says {{ super() }}'
            "{% endblock hey %}{% block ending %}{{ super() }} with love{% endblock ending %}",
        },
        "dad says hi and grandma says hello sincerely with love",
    ),
    (
        "content outside blocks of a child is ignored",
        {
            "base.tera": "<{% block b %}base{% endblock b %}>",
            "main.tera": '{% extends "base.tera" %}ignored{% block b %}child{% endblock b %}',
        },
        "<child>",
    ),
    (
        "imported macros",
        {
            "macros.tera": "{% macro hello(who) %}Hello {{ who }}{% endmacro hello %}",
            "main.tera": '{% import "macros.tera" as m %}{{ m::hello(who=name) }}',
        },
        "Hello john",
    ),
]


@pytest.mark.parametrize(
    ("construct", "files", "expected"), MULTI_FILE, ids=[c[0] for c in MULTI_FILE]
)
def test_multi_file_construct_renders_like_tera(
    tmp_path: Path, construct: str, files: dict[str, str], expected: str
) -> None:
    build_file_tree(tmp_path, files)
    templates = TemplateSet(tmp_path, tmp_path, RenderBudget().start())
    templates.parse_all()
    assert templates.render("main.tera", CONTEXT) == expected


ERRORS: list[tuple[str, str, str]] = [
    ("printing an undefined variable", "{{ missing_var }}", "Variable `missing_var` not found"),
    ("math on a string", "{% set s = 'a' %}{{ s + 1 }}", "`s` was used in a math operation"),
    ("math on a string literal is a syntax error", "{{ 'a' + 1 }}", "unexpected `+ 1 }}`"),
    ("a filtered literal takes no math", "{{ '1' | int + 1 }}", "unexpected `+ 1 }}`"),
    ("a string literal is not a loop container", "{% for c in 'abc' %}{% endfor %}", "unexpected"),
    ("integer overflow", "{{ 9223372036854775807 + 1 }}", "out of bounds i64"),
    ("modulo by zero", "{{ 1 % 0 }}", "modulo by zero"),
    ("unknown filter", "{{ name | nope }}", "Filter 'nope' not found"),
    ("unknown function", "{{ nope() }}", "Function 'nope' not found"),
    ("unknown test", "{{ name is nope }}", "Test 'nope' not found"),
    ("throw", "{{ throw(message='stop here') }}", "stop here"),
    (
        "missing macro argument",
        "{% macro m(x) %}{% endmacro m %}{{ self::m() }}",
        "missing the argument `x`",
    ),
    ("break outside a loop is a syntax error", "{% break %}", "unexpected"),
    ("`**` is not Tera", "{{ 9 ** 9 }}", "unexpected"),
    ("a name starting with true parses as the boolean", "{{ true_value }}", "unexpected"),
    (
        "key/value loop over an array",
        "{% for k, v in numbers %}{% endfor %}",
        "isn't an object/map",
    ),
]


@pytest.mark.parametrize(("construct", "template", "message"), ERRORS, ids=[c[0] for c in ERRORS])
def test_construct_fails_like_tera(
    tmp_path: Path, construct: str, template: str, message: str
) -> None:
    with pytest.raises(TeraError) as caught:
        render(tmp_path, "\n" + template)
    assert message in caught.value.message
    assert caught.value.line == 2
    assert caught.value.file is not None and caught.value.file.endswith("main.tera")


REFUSED: list[tuple[str, str, str]] = [
    ("slugify of non-Latin text", "{{ name | slugify }}", "slugify of '日'"),
    (
        "an array literal as a test argument",
        "{% if name is containing([1]) %}{% endif %}",
        "array literal as an argument of the test `containing`",
    ),
    (
        "range(step_by=0)",
        "{% for i in range(end=3, step_by=0) %}{% endfor %}",
        "`range(step_by=0)`",
    ),
    ("date(locale=...)", "{{ 0 | date(locale='fr_FR') }}", "`date(locale=...)`"),
]


def _generate(project: Path, body: str, name: str = "X") -> subprocess.CompletedProcess[str]:
    build_file_tree(project, prefixed("plug", plugin_files("p", body=body)))
    write_config(project, "plug")
    return subprocess.run(
        [sys.executable, "-m", "tasker_ctl", "template", "generate", "greeting", "-l", "python",
         "-p", f"name={name}", "-o", str(project / "out")],
        cwd=project, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


@pytest.mark.parametrize(("construct", "template", "message"), REFUSED, ids=[c[0] for c in REFUSED])
def test_refused_construct_names_itself_the_file_and_line(
    tmp_path: Path, construct: str, template: str, message: str
) -> None:
    body = textwrap.dedent(f"""\
        first line
        {template}
        """)
    result = _generate(tmp_path, body, name="日本")
    assert result.returncode == 2, result.stderr
    assert "greeting/body.tera:2" in result.stderr
    assert "uses a Tera construct tasker-ctl does not support" in result.stderr
    assert message in result.stderr
    assert "docs/tera-compatibility.md" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
