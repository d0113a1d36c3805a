import json
import re
from pathlib import Path

import numpy as np
import pytest

from corpus.departments import DepartmentRegistry
from index.bm25 import BM25Retriever
from index.store import IndexStore, Manifest, json_component
from index.synonyms import DictionarySenses, SynonymExpander, TextCounts
from index.tokenizer import Tokenizer
from index.translate import QueryTranslator

CORPUS = Path(__file__).parents[1] / "corpus/documents/jilin-northeast-revitalization-2014.txt"
MEASURE = re.compile(r"^\s*(\d+)\.(.+)$", re.MULTILINE)

pytestmark = pytest.mark.slow  # mines the synonym layer from the whole document


def corpus_text() -> str:
    return CORPUS.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    """As the pipeline builds it: department names and the glossary's terms stay whole."""
    return Tokenizer([*DepartmentRegistry.load().surface_forms(), *QueryTranslator().chinese_terms()])


@pytest.fixture(scope="module")
def expander(tokenizer) -> SynonymExpander:
    return SynonymExpander.from_corpus(corpus_text().splitlines(), tokenizer)


# (question, a term of the document it must reach); the document never writes the question's word
EXPANSIONS = [
    ("民企配套改革谁牵头？", "民营企业"),  # CC-CEDICT: abbr. for 民营企业
    ("国企改制重组", "国有企业"),  # CC-CEDICT: both "state-owned enterprise"
    ("推进混改", "混合所有制改革"),  # CC-CEDICT: abbr. for 混合所有制改革
    ("央企和地方协同发展", "中央企业"),  # CC-CEDICT: abbr. for 中央企业
    ("厂办大集体职工的医保", "医疗保险"),  # CC-CEDICT: both "medical insurance"
    ("国开行棚改专项贷款", "棚户区改造"),  # the abbreviation rule: 棚户区|改造
    ("长春兴隆综保区", "综合保税区"),  # the abbreviation rule: 综合|保税区
    ("文创产业", "文化创意"),  # the abbreviation rule: 文化|创意
    ("央企混改", "中央企业"),  # two unknown words in one run of single characters
    ("央企混改", "混合所有制改革"),
]


@pytest.mark.parametrize(("question", "term"), EXPANSIONS)
def test_words_the_document_does_not_use_reach_its_terms(expander, tokenizer, question, term):
    assert term in corpus_text()
    assert term in expander.expand(tokenizer.tokenize(question))


@pytest.mark.parametrize(
    "question",
    [
        "国有企业", "棚户区改造", "高铁", "民营企业",  # the document's own words
        "电脑", "天气", "足球", "手机",  # dictionary words of their own, unrelated to the document
        "中投", "电平",  # jieba's words whose initials happen to be 中央预算内投资's and 电子商务平台's
        "双创",  # its long form (大众创业、万众创新) is not in the document
    ],
)
def test_words_the_document_uses_or_cannot_explain_do_not_expand(expander, tokenizer, question):
    assert expander.expand(tokenizer.tokenize(question)) == []


def test_expansions_are_not_repeated_and_leave_the_query_out(expander, tokenizer):
    terms = tokenizer.tokenize("国企和国企，国有企业")
    assert expander.expand(terms) == []
    assert expander.expand(tokenizer.tokenize("国企和国企")) == ["国有企业"]


def test_an_abbreviation_needs_one_recurring_and_dominant_expansion(tokenizer):
    expander = SynonymExpander.from_corpus(
        [
            "加快棚户区改造。完成棚户区改造任务。",  # 棚改: twice, and nothing else
            "建设综合保税区。支持综合保税区发展。完善综合保障。完善综合保障体系。",  # 综保: a tie
            "发展轨道交通。",  # 轨交: once
        ],
        tokenizer,
    )
    assert expander.expand(tokenizer.tokenize("棚改")) == ["棚户区改造"]
    assert expander.expand(tokenizer.tokenize("综保")) == []
    assert expander.expand(tokenizer.tokenize("轨交")) == []


def test_stored_expander_expands_the_same(expander, tokenizer, tmp_path):
    expected = Manifest("synonyms", tokenizer.name, "corpus", "fingerprint", 1)
    loaded = SynonymExpander(json_component(IndexStore(tmp_path), expected, lambda: expander.expansions))
    loaded = SynonymExpander(json_component(IndexStore(tmp_path), expected, lambda: {}))  # read back, not rebuilt
    for question, _ in EXPANSIONS:
        terms = tokenizer.tokenize(question)
        assert loaded.expand(terms) == expander.expand(terms)


# Questions whose subject is only the word the document does not use: without the expansion,
# BM25 has nothing to rank these measures by.
CHINESE_QUESTIONS = [
    ("混改谁负责？", {11}),
    ("棚改谁负责？", {63, 89, 90, 92, 93, 94}),
    ("央企谁负责？", {13, 14, 15, 16}),
    ("民企谁负责？", {3, 6}),
    ("文创谁牵头？", {45, 46, 47}),
]


def test_expanded_questions_find_their_measures_with_bm25(expander, tokenizer):
    measures = {int(m[1]): m[2].strip() for m in MEASURE.finditer(corpus_text())}
    numbers = sorted(measures)
    retriever = BM25Retriever.build([tokenizer.tokenize(measures[number]) for number in numbers])

    def top_three(terms: list[str]) -> set[int]:
        scores = retriever.scores(terms)
        return {numbers[i] for i in np.argsort(-scores, kind="stable")[:3] if scores[i] > 0}

    for question, relevant in CHINESE_QUESTIONS:
        terms = tokenizer.tokenize(question)
        expanded = terms + tokenizer.tokenize(" ".join(expander.expand(terms)))
        assert not top_three(terms) & relevant, question
        assert top_three(expanded) & relevant, (question, expanded)


def test_documents_counted_one_by_one_mine_what_the_whole_text_mines(tokenizer, expander):
    """A library's expander is made from each document's counts: the same table as counting all its text at once."""
    lines = corpus_text().splitlines()
    halves = [lines[: len(lines) // 2], lines[len(lines) // 2 :]]
    counts = TextCounts.merged(TextCounts.from_json(json.loads(json.dumps(TextCounts.of(half, tokenizer).to_json()))) for half in halves)
    dictionary = DictionarySenses.from_json(json.loads(json.dumps(DictionarySenses.parse().to_json())))
    assert SynonymExpander.from_counts(counts, tokenizer, dictionary).expansions == expander.expansions
