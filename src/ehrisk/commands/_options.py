"""CLI options from a service's settings section: the default and the help text of an option
come from the pydantic field, so a parameter is declared once (in the section) for the study
file, the CLI and the API."""

from __future__ import annotations

from typing import Any

import typer
from pydantic import BaseModel, ValidationError

from ehrisk.errors import InputError, Problem


def option(section: type[BaseModel], name: str, *flags: str, **kw: Any) -> Any:
    """A ``typer.Option`` for field ``name`` of ``section`` (default and help from the field;
    flag ``--name-with-dashes`` unless ``flags`` are given)."""
    f = section.model_fields[name]
    default = f.get_default(call_default_factory=True)
    names = flags or (f"--{name.replace('_', '-')}",)
    return typer.Option(default, *names, help=f.description or "", **kw)


def section_from_options(section: type[BaseModel], **values: Any) -> BaseModel:
    """Validate CLI values into the section; a bad value is an input error naming the option
    (exit 2)."""
    try:
        return section.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        raise InputError([Problem(file="command line", column="--" + ".".join(
            str(x) for x in e["loc"]).replace("_", "-"), reason=e["msg"])
            for e in exc.errors()]) from None
