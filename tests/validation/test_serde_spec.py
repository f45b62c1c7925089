"""The serde table used by the linter and the pydantic model describe the same shape."""

from __future__ import annotations

import pytest
from pydantic import AliasChoices

from tasker_ctl import model
from tasker_ctl.validation.serde_spec import STRUCTS


@pytest.mark.parametrize("name", sorted(STRUCTS))
def test_struct_matches_the_model(name: str) -> None:
    cls = getattr(model, name)
    spec = STRUCTS[name]
    fields = {}
    for attribute, info in cls.model_fields.items():
        key = info.alias or attribute
        aliases: tuple[str, ...] = ()
        if isinstance(info.validation_alias, AliasChoices):
            choices = [str(c) for c in info.validation_alias.choices]
            key, aliases = choices[0], tuple(choices[1:])
        fields[key] = (info.is_required(), aliases)
    assert set(fields) == set(spec), name
    for key, (required, aliases) in fields.items():
        assert spec[key].required == required, f"{name}.{key}"
        assert spec[key].aliases == aliases, f"{name}.{key}"
