"""Errors a user can fix by changing what they asked for: arguments, files, settings."""
from __future__ import annotations


class UsageError(ValueError):
    """A request that cannot be carried out as given; the message says what to change."""
