import json
import re
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from corpus.models import Passage, PassageKind
from index.bm25 import BM25Retriever
from index.document_rows import LibraryTexts
from index.tokenizer import Tokenizer
from index.store import IndexStore
from index.translate import (
    GLOSSARY_PATH,
    STOPWORDS,
    QueryTranslator,
    dictionary_phrases,
    headword_phrases,
    english_words,
    library_vocabulary,
    open_dictionary,
    open_vocabulary,
    word_forms,
)

CORPUS = Path(__file__).parents[1] / "corpus/documents/jilin-northeast-revitalization-2014.txt"
MEASURE = re.compile(r"^\s*(\d+)\.(.+)$", re.MULTILINE)
DEPARTMENT_LIST = re.compile(r"（([^（）]*?)等?负责[^）]*）")
HOUSING_DEPARTMENT = "Department of Housing and Urban-Rural Development"


def corpus_text() -> str:
    return CORPUS.read_text(encoding="utf-8")


def measures() -> dict[int, str]:
    return {int(m[1]): m[2].strip() for m in MEASURE.finditer(corpus_text())}


def glossary() -> dict[str, list[str]]:
    return json.loads(GLOSSARY_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def translator() -> QueryTranslator:
    return QueryTranslator({HOUSING_DEPARTMENT: ["省住房城乡建设厅"]})


@pytest.fixture(scope="module")
def tokenizer(translator) -> Tokenizer:
    """As the pipeline builds it: department names and the glossary's terms stay whole."""
    departments = {name for m in DEPARTMENT_LIST.finditer(corpus_text()) for name in m[1].split("、")}
    return Tokenizer([*departments, *translator.chinese_terms()])


def test_shantytown_financing_question_reaches_the_chinese_terms(translator):
    terms = translator.translate("Who leads the shantytown renovation financing?")
    assert "棚户区" in terms
    assert {"融资", "贷款"} & set(terms)


def test_question_words_alone_give_no_terms(translator):
    assert translator.translate("Who is responsible? Which department leads it, and what is its task?") == []


def test_caller_phrases_match_whole_and_win_over_the_glossary():
    translator = QueryTranslator({HOUSING_DEPARTMENT: ["省住房城乡建设厅"], "shantytown": ["棚户区改造"]})
    question = "Which measures does the department of housing and urban rural development lead?"
    terms = translator.translate(question)
    assert terms == ["省住房城乡建设厅"]  # not 住房 for "housing" inside the name
    assert translator.translate("shantytowns") == ["棚户区改造"]


def test_plurals_and_ing_forms_find_their_entries(translator):
    assert "贷款" in translator.translate("loans")
    assert "债券" in translator.translate("bonds")
    assert "补贴" in translator.translate("subsidies")
    assert "高校" in translator.translate("universities")
    assert "棚户区" in translator.translate("shantytowns")
    assert "融资" in translator.translate("financing")


def test_case_punctuation_hyphens_and_full_width_are_normalised(translator):
    for text in ("HIGH-SPEED RAIL!!", "high speed rail", "ｈｉｇｈ－ｓｐｅｅｄ　ｒａｉｌ"):
        assert translator.translate(text) == ["高铁"]


def test_longest_phrase_wins(translator):
    assert translator.translate("ice and snow tourism")[0] == "冰雪"
    assert "边境小额贸易" in translator.translate("border petty trade")


def test_numbers_and_chinese_text_pass_through(translator):
    assert translator.translate("pension 2017 养老金") == ["养老金", "基本养老金", "2017"]


def test_chinese_in_an_english_question_keeps_its_place_among_the_terms(translator):
    assert translator.translate("Who is in charge of 长吉图 opening-up?") == ["长吉图", "开放"]
    assert translator.translate("光伏 subsidies 谁负责？") == ["光伏", "补贴", "补助", "谁负责"]
    assert translator.translate("ｈｉｇｈ－ｓｐｅｅｄ　ｒａｉｌ，长吉图") == ["高铁", "长吉图"]


def test_an_english_phrase_does_not_run_across_chinese_text(translator):
    assert "高铁" not in translator.translate("high speed 和 rail")


def test_chinese_text_is_not_counted_in_the_glossary_coverage(translator):
    assert translator.coverage("Who is in charge of 长吉图 opening-up?") == 1.0
    assert translator.coverage("长吉图") == 0.0


@pytest.mark.parametrize(
    ("question", "terms"),
    [
        ("bullet trains", {"高铁"}),
        ("high-speed rail", {"高铁"}),
        ("private firms", {"民营企业"}),
        ("state firms", {"国有企业"}),
        ("state companies", {"国有企业"}),
        ("private capital in state firms", {"民间资本", "国有企业"}),
    ],
)
def test_colloquial_english_names_reach_the_documents_words(translator, question, terms):
    assert terms <= set(translator.translate(question))


def test_a_word_in_a_glossary_phrase_may_be_any_word_the_glossary_translates_alike(translator):
    # "firm", "company" and "enterprise" are all 企业/公司 in the glossary; "state enterprise" is
    # an entry, "state firm" and "state company" are not
    assert glossary()["firm"] == glossary()["company"] == glossary()["enterprise"]
    assert "state firm" not in glossary() and "state company" not in glossary()
    assert translator.translate("state firm") == translator.translate("state company") == glossary()["state enterprise"]
    assert translator.translate("state") == glossary()["state"]  # alone, still the word itself


def test_terms_are_unique_and_in_order_of_appearance(translator):
    terms = translator.translate("loans, shantytown loans, loans")
    assert terms == list(dict.fromkeys(terms))
    assert terms.index("贷款") < terms.index("棚户区")


def test_words_outside_the_glossary_fall_back_to_cc_cedict(translator):
    assert "医院" in translator.translate("hospital")
    assert "幼儿园" in translator.translate("kindergarten")
    for word in ("hospital", "umbrella", "earthquake", "library", "doctor", "copper", "silk"):
        terms = translator.translate(word)
        assert 1 <= len(terms) <= 2, word
        assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,4}", term) for term in terms), (word, terms)


@pytest.mark.slow  # reads the whole of CC-CEDICT twice
def test_the_dictionary_kept_with_the_index_translates_as_cc_cedict_itself(translator, tmp_path: Path):
    store = IndexStore(tmp_path)
    kept = open_dictionary(store)
    assert kept == dictionary_phrases(headword_phrases()) == open_dictionary(store, build_missing=False)
    assert store.prune(keep={"another-library"}) == [], "no library change rebuilds or prunes it"
    from_store = QueryTranslator({HOUSING_DEPARTMENT: ["省住房城乡建设厅"]}, dictionary=kept)
    for text in ("hospital", "kindergarten umbrella", "earthquake relief", "Zhang Wang Liu", "shantytown renovation financing"):
        assert from_store.translate(text) == translator.translate(text), text


def test_surnames_are_not_translated(translator):
    assert translator.translate("Zhang Wang Liu") == []


def test_chinese_terms_are_the_glossary_and_caller_terms(translator):
    terms = translator.chinese_terms()
    assert terms == sorted(set(terms))
    assert set(terms) == {term for group in glossary().values() for term in group} | {"省住房城乡建设厅"}


def test_word_helpers():
    assert english_words("People's Bank of China, R&D; e-commerce") == [
        "people", "bank", "of", "china", "r", "d", "e", "commerce"
    ]
    assert word_forms("subsidies")[:2] == ("subsidies", "subsidy")
    assert "finance" in word_forms("financing")
    assert "plan" in word_forms("planning")


def test_glossary_keys_are_phrases_not_stopwords():
    entries = glossary()
    assert len(entries) >= 200
    for phrase, terms in entries.items():
        words = english_words(phrase)
        assert " ".join(words) == phrase, "keys are stored normalised, so none hides another"
        assert not (len(words) == 1 and words[0] in STOPWORDS), phrase
        assert terms and all(isinstance(term, str) and term for term in terms), phrase


def test_glossary_terms_occur_in_the_corpus_and_reach_its_tokens(tokenizer):
    text = unicodedata.normalize("NFKC", corpus_text()).lower()
    vocabulary = {token for line in corpus_text().splitlines() for token in tokenizer.tokenize(line)}
    for terms in glossary().values():
        for term in terms:
            assert term in text, term
            assert set(tokenizer.tokenize(term)) & vocabulary, term


def test_every_measure_has_glossary_terms():
    text_of = {number: unicodedata.normalize("NFKC", text).lower() for number, text in measures().items()}
    terms = {term for group in glossary().values() for term in group}
    for number, text in text_of.items():
        body = text.rsplit("(", 1)[0]  # without the department parenthesis
        assert len({term for term in terms if term in body}) >= 2, number


ENGLISH_QUESTIONS = [
    ("Who leads the shantytown renovation financing?", {89, 90, 91, 92, 93, 94}),
    ("Which department is responsible for setting up private banks?", {6}),
    ("ice and snow tourism", {44}),
    ("black soil protection", {53}),
    ("high-speed rail going global", {31}),
    ("Tumen River delta international tourism cooperation zone", {118}),
    ("Who handles talent introduction and the Thousand Talents Plan?", {28}),
    ("raising basic pensions for enterprise retirees", {95}),
    ("mixed ownership reform of state-owned enterprises", {11}),
    ("UHV transmission projects", {78}),
    ("72-hour visa-free transit at Longjia airport", {126}),
    ("cooperation with Russia at Zarubino port", {77, 113, 114, 121}),
    ("PPP project pilots", {8}),
    ("grain storage facilities and dilapidated granaries", {59}),
    ("Who is in charge of the Changchun subway?", {76}),
    ("private capital in state firms", {7}),
    ("Who leads the mixed-ownership reform of state firms?", {11}),
    ("relending to support agriculture and small businesses", {130}),
]


def test_translated_english_questions_find_their_measures_with_bm25(translator, tokenizer):
    numbers = sorted(measures())
    retriever = BM25Retriever.build([tokenizer.tokenize(measures()[number]) for number in numbers])
    for question, relevant in ENGLISH_QUESTIONS:
        terms = translator.translate(question)
        scores = retriever.scores(tokenizer.tokenize(" ".join(terms)))
        top_three = {numbers[i] for i in np.argsort(-scores, kind="stable")[:3]}
        assert top_three & relevant, (question, terms)


@pytest.mark.slow  # derives the vocabulary of a whole document
def test_a_librarys_own_words_reach_english_questions_without_a_glossary_entry(tokenizer):
    """A document no glossary was written for: its words come from the dictionary, and count as known."""
    texts = ["支持企业在重点市场建设海外仓，提升海外仓数字化水平。", "推进既有住宅加装电梯。"]
    vocabulary = library_vocabulary(texts, tokenizer)
    assert "海外" in vocabulary["overseas"]
    plain, with_library = QueryTranslator(), QueryTranslator(vocabulary=vocabulary)
    assert with_library.coverage("overseas elevators") > plain.coverage("overseas elevators")
    assert "海外" in with_library.translate("overseas warehouses")
    # the glossary still wins where both have the words
    assert with_library.translate("shantytown") == plain.translate("shantytown")


@pytest.mark.slow  # reads CC-CEDICT's glosses
def test_a_librarys_vocabulary_is_made_from_each_documents_words(tokenizer, tmp_path):
    """Kept per document and merged: the vocabulary of the library's whole text."""
    passages = [
        Passage(document=document, kind=PassageKind.PREAMBLE, text=text, body=text, line=line)
        for line, (document, text) in enumerate([("a", "支持企业在重点市场建设海外仓。"), ("a", "推进既有住宅加装电梯。"), ("b", "提升海外仓数字化水平，发展跨境电商。")])
    ]
    library = LibraryTexts.of(passages, "library")
    vocabulary = open_vocabulary(library, IndexStore(tmp_path), tokenizer)
    assert vocabulary == library_vocabulary(library.texts, tokenizer)
    assert len(list(tmp_path.glob("vocabulary-words-*"))) == 2  # one per document
