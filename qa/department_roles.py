"""Which measures a department holds a role in: leading them, supporting them, or either."""
from __future__ import annotations

from collections.abc import Collection

from corpus.models import Passage
from qa.answer import Role


def holds_role(passage: Passage, names: Collection[str], role: Role) -> bool:
    """Whether one of `names` leads the measure (Role.LEAD), supports it (Role.CO: listed after the
    lead, or sharing a measure none leads), or either (Role.ANY)."""
    if role is Role.LEAD:
        return passage.lead_department in names
    held = passage.co_departments if role is Role.CO else passage.departments
    return any(name in names for name in held)
