"""Bodies a question names that no document names, found by the shape of their names alone."""
from __future__ import annotations

import pytest

from index.tokenizer import Tokenizer
from qa.unlisted import unlisted_bodies


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer()


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("外交部牵头哪些措施？", ["外交部"]),
        ("第91条是国家铁路局牵头吗？", ["国家铁路局"]),
        ("省气象局参与了几项措施？", ["省气象局"]),
        ("省邮政管理局参与了哪些", ["省邮政管理局"]),
        ("国家税务总局在哪些措施里是配合单位？", ["国家税务总局"]),
        ("Is the Ministry of Foreign Affairs the lead?", ["Ministry of Foreign Affairs"]),
        ("What does the State Taxation Administration lead?", ["State Taxation Administration"]),
        ("How many tasks does the General Administration of Customs take part in?", ["General Administration of Customs"]),
        ("Is measure 91 led by the Railway Bureau?", ["Railway Bureau"]),
        # words ending in a body word that name no body, and questions for which body
        ("全部措施有哪些", []),
        ("干部培训谁负责", []),
        ("东北部振兴由谁牵头", []),
        ("形成新格局的措施", []),
        ("节水增粮行动由哪个厅牵头？", []),
        ("申请表交到哪个办公室？", []),
        ("Which Department leads the shantytown work?", []),
        ("Which Provincial Department leads it?", []),
    ],
)
def test_the_names_of_bodies_are_found_by_their_shape(tokenizer, text, names):
    assert [text[start:end] for start, end in unlisted_bodies(text, tokenizer.word_spans)] == names
