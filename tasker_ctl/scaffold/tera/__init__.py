"""A Tera 1.20 template engine for plugin templates, sandboxed and budgeted.

The real tasker-ctl renders plugin templates (``*.tera``) with the Rust Tera
crate. This package reproduces Tera's grammar (:mod:`.grammar`), AST and
whitespace control (:mod:`.syntax`), rendering semantics (:mod:`.renderer`)
and built-ins (:mod:`.builtins`), so a plugin renders here byte for byte as
it does there, or fails with a clear message naming the construct and the
``file:line``. Being our own interpreter over plain JSON-like values, it has
no way into Python objects, reads only the plugin's own template files
(:mod:`.loader`) and checks a time/size/depth budget as it goes
(:mod:`.budget`). docs/tera-compatibility.md lists every construct.
"""

from __future__ import annotations

from tasker_ctl.scaffold.tera.budget import RenderBudget
from tasker_ctl.scaffold.tera.errors import (
    BudgetExceeded,
    TemplateAccessError,
    TemplateNotFound,
    TeraError,
    TeraSyntaxError,
    UnsupportedConstruct,
)
from tasker_ctl.scaffold.tera.loader import INLINE, TemplateSet

__all__ = [
    "INLINE",
    "BudgetExceeded",
    "RenderBudget",
    "TemplateAccessError",
    "TemplateNotFound",
    "TemplateSet",
    "TeraError",
    "TeraSyntaxError",
    "UnsupportedConstruct",
]
