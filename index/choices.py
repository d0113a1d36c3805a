"""Modes given as text (settings, options) parsed into Enums, with errors that list the valid values."""
from __future__ import annotations

from enum import Enum
from typing import TypeVar

Choice = TypeVar("Choice", bound=Enum)


def parse_choice(choices: type[Choice], value: str, what: str) -> Choice:
    try:
        return choices(value)
    except ValueError:
        valid = ", ".join(str(choice.value) for choice in choices)
        raise ValueError(f"unknown {what} {value!r}; valid: {valid}") from None
