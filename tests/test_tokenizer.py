import logging
import re
import unicodedata
from pathlib import Path

import pytest

from index.tokenizer import STOPWORDS, Tokenizer

CORPUS = Path(__file__).parents[1] / "corpus/documents/jilin-northeast-revitalization-2014.txt"
MEASURE = re.compile(r"^\s*(\d+)\.(.+)$", re.MULTILINE)


def measures() -> dict[int, str]:
    return {int(m[1]): m[2].strip() for m in MEASURE.finditer(CORPUS.read_text(encoding="utf-8"))}


USER_WORDS = ["省住房城乡建设厅", "省财政厅", "省国开行", "ＰＰＰ模式"]


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer(USER_WORDS)


@pytest.fixture(scope="module")
def plain() -> Tokenizer:
    return Tokenizer()


def test_full_width_ascii_is_normalised_and_latin_lowercased(tokenizer):
    assert "ppp" in tokenizer.tokenize("深入推进ＰＰＰ（政府与社会资本合作）项目试点")
    assert "ppp" in tokenizer.tokenize("PPP项目")
    assert "2014" in tokenizer.tokenize("国发〔２０１４〕28号")


def test_punctuation_and_whitespace_are_dropped(tokenizer):
    for text in measures().values():
        for token in tokenizer.tokenize(text):
            assert token.strip() == token and token
            assert any(unicodedata.category(char)[0] in "LN" for char in token), token


def test_question_words_and_role_words_are_dropped(tokenizer):
    tokens = tokenizer.tokenize("哪个部门负责棚户区改造融资？由谁牵头，哪些单位配合？")
    assert not set(tokens) & STOPWORDS
    assert {"棚户区", "改造", "融资"} <= set(tokens)


def test_responsibility_words_are_stopwords_because_every_measure_has_them():
    every_measure = measures().values()
    assert all("负责" in text for text in every_measure)
    assert {"负责", "牵头", "部门", "的", "哪个", "哪些", "什么"} <= STOPWORDS


def test_search_granularity_lets_a_compound_meet_its_parts(tokenizer):
    question = set(tokenizer.tokenize("棚户区改造贷款"))
    measure_91 = set(tokenizer.tokenize(measures()[91]))
    assert {"棚户区", "贷款"} <= question & measure_91


def test_user_words_stay_whole(tokenizer, plain):
    text = "（省国开行、省住房城乡建设厅、省财政厅负责）"
    assert "省住房城乡建设厅" not in plain.tokenize(text)
    assert {"省住房城乡建设厅", "省国开行", "省财政厅"} <= set(tokenizer.tokenize(text))


def test_user_words_are_normalised_like_text(tokenizer, plain):
    assert "ppp模式" in tokenizer.tokenize("推广PPP模式")
    assert "ppp模式" not in plain.tokenize("推广PPP模式")


def test_a_new_instance_is_quiet_and_tokenizes_identically(tokenizer, caplog):
    caplog.set_level(logging.DEBUG)
    same_words_reordered = Tokenizer(list(reversed(USER_WORDS)) + ["ppp模式", "省财政厅"])
    for text in measures().values():
        assert same_words_reordered.tokenize(text) == tokenizer.tokenize(text)
    assert not [record for record in caplog.records if record.name == "jieba"]


def test_empty_text_has_no_tokens(tokenizer):
    assert tokenizer.tokenize("") == []
    assert tokenizer.tokenize("，。 　？") == []


def test_fingerprint_follows_the_user_words_not_their_order(tokenizer, plain):
    assert tokenizer.name == "jieba"
    reordered = Tokenizer(list(reversed(USER_WORDS)) + ["省财政厅"])
    assert reordered.fingerprint == tokenizer.fingerprint
    assert plain.fingerprint != tokenizer.fingerprint
    assert len(tokenizer.fingerprint) == 16 and int(tokenizer.fingerprint, 16) >= 0
