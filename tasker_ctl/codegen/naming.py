"""Names: the word splitting upstream uses (Rust ``heck`` 0.5), and root type names.

Upstream's generated names are the contract code is written against, so the
splitting follows ``heck``: underscores and characters outside words separate
words; inside a word, a lowercase letter followed by an uppercase one ends a
word (``orderId`` -> ``order``, ``Id``), and in a run of capitals the last one
starts the next word when a lowercase letter follows (``HTTPServer`` ->
``HTTP``, ``Server``). Digits never split. ``snake_case`` joins the lowercased
words with ``_``; ``pascal_case`` capitalises each word (first letter upper,
the rest lower) and joins them.

One deliberate difference: Unicode word segmentation keeps ``.`` and ``'``
between letters inside one word (heck turns ``a.b`` into ``a.b``), which is not
an identifier in any target language; here every character that is not a
letter, digit or underscore separates words.
"""

from __future__ import annotations

import re

__all__ = [
    "LANGUAGE_SUFFIXES",
    "attribute_name",
    "attribute_names",
    "input_type_name",
    "pascal_case",
    "result_type_name",
    "snake_case",
    "split_words",
    "strip_language_suffix",
]

LANGUAGE_SUFFIXES = ("_ts", "_typescript", "_rb", "_ruby", "_py", "_python", "_rs", "_rust")
"""Namespace suffixes dropped from result type names (``ecommerce_ts`` -> ``ecommerce``)."""


def split_words(name: str) -> list[str]:
    """The words of ``name`` as heck sees them (see the module docstring)."""
    words: list[str] = []
    for chunk in re.findall(r"[^\W_]+", name):
        words.extend(_split_chunk(chunk))
    return words


def _split_chunk(chunk: str) -> list[str]:
    words: list[str] = []
    start = 0
    mode = ""  # "", "lower" or "upper": the case of the last cased character
    for i, char in enumerate(chunk):
        if i + 1 == len(chunk):
            break
        nxt = chunk[i + 1]
        next_mode = "lower" if char.islower() else "upper" if char.isupper() else mode
        if next_mode == "lower" and nxt.isupper():
            words.append(chunk[start : i + 1])
            start, mode = i + 1, ""
        elif mode == "upper" and char.isupper() and nxt.islower():
            words.append(chunk[start:i])
            start, mode = i, ""
        else:
            mode = next_mode
    words.append(chunk[start:])
    return [w for w in words if w]


def snake_case(name: str) -> str:
    """``orderId`` -> ``order_id``; ``HTTPServer`` -> ``http_server``."""
    return "_".join(word.lower() for word in split_words(name))


def pascal_case(name: str) -> str:
    """``order_id`` -> ``OrderId``; ``HTTPServer`` -> ``HttpServer``."""
    return "".join(word[:1].upper() + word[1:].lower() for word in split_words(name))


def strip_language_suffix(namespace: str) -> str:
    """Drop one trailing language suffix (``payments_ruby`` -> ``payments``)."""
    for suffix in LANGUAGE_SUFFIXES:
        if namespace.endswith(suffix):
            return namespace[: -len(suffix)]
    return namespace


def result_type_name(namespace: str, step: str) -> str:
    """``ecommerce_ts`` + ``validate_cart`` -> ``EcommerceValidateCartResult``."""
    return _type_start(pascal_case(f"{strip_language_suffix(namespace)}_{step}"), "Step") + "Result"


def input_type_name(task_name: str) -> str:
    """``order_pipeline`` -> ``OrderPipelineInput``; ``2fa_flow`` -> ``Task2faFlowInput``."""
    return _type_start(pascal_case(task_name), "Task") + "Input"


def _type_start(pascal: str, prefix: str) -> str:
    """``pascal`` behind ``prefix`` unless it starts with an ASCII letter.

    A type name must start with a letter in every target, and Ruby's constants
    with an uppercase one: ``2faFlow`` and ``名前`` (valid task names, and
    upstream's names for them) are not class names.
    """
    return pascal if pascal[:1].isascii() and pascal[:1].isalpha() else prefix + pascal


def attribute_name(json_name: str) -> str:
    """The snake_case attribute for a JSON property: ASCII, never empty, never a digit first.

    ``orderId`` -> ``order_id`` (as upstream); what upstream would leave invalid
    gets ``field`` (``""`` -> ``field``, ``2fa`` -> ``field_2fa``, ``名前`` -> ``field``).
    """
    name = "_".join(w for w in (_ascii(word) for word in snake_case(json_name).split("_")) if w)
    if not name:
        return "field"
    return f"field_{name}" if name[0].isdigit() else name


def attribute_names(json_names: list[str], reserved: frozenset[str] = frozenset()) -> list[str]:
    """:func:`attribute_name` of each name, made unique with ``_2``, ``_3``... in order.

    A name in ``reserved`` (a keyword, a method of the base class) gets a
    trailing underscore first (``class`` -> ``class_``).
    """
    taken: set[str] = set()
    result: list[str] = []
    for json_name in json_names:
        base = attribute_name(json_name)
        if base in reserved:
            base += "_"
        name, n = base, 1
        while name in taken or name in reserved:
            n += 1
            name = f"{base}_{n}"
        taken.add(name)
        result.append(name)
    return result


def _ascii(word: str) -> str:
    return "".join(ch for ch in word if ch.isascii())
