"""Chinese and Latin text to BM25 terms."""
from __future__ import annotations

import hashlib
import math
import threading
import unicodedata
from collections.abc import Callable, Iterable

import jieba

from index.word_counts import WordCounts, jieba_word_counts

# Function words, question words, and the words every measure's department parenthesis
# carries: 负责 closes all 139 measures and 牵头/部门/配合 name the roles rather than the
# subject, so in a question ("哪个部门牵头…") they would only pull towards the few measures
# whose body happens to use them.
STOPWORDS = frozenset(
    {
        "的", "了", "和", "与", "及", "以及", "或", "并", "而", "之", "其", "也", "都", "就",
        "等", "在", "对", "为", "由", "向", "从", "于", "给", "把", "被", "将", "以", "是", "有",
        "这", "那", "这个", "那个", "这些", "那些", "关于", "请问", "一下",
        "哪", "哪个", "哪些", "哪里", "哪儿", "什么", "谁", "如何", "怎么", "怎样", "怎么样",
        "是否", "多少", "几", "吗", "呢", "吧", "啊", "么",
        "部门", "单位", "负责", "牵头", "配合",
    }
)

# As frequent as a common word: enough to keep a user word whole against any split into its
# parts. Much higher and it takes characters from its neighbours (白城市 → 白 城市 with 城市).
_USER_WORD_FREQUENCY = 20_000
# Without the HMM, characters outside the dictionary always come out one by one, so a rare
# name (扎鲁比诺) is split the same way in every context it appears in.
_USE_HMM = False


def _normalise(text: str) -> str:
    """Full-width ASCII and compatibility forms to their plain form (ＰＰＰ → ppp)."""
    return unicodedata.normalize("NFKC", text).lower()


def _is_term(token: str) -> bool:
    return token not in STOPWORDS and any(unicodedata.category(char)[0] in "LN" for char in token)


class Tokenizer:
    """Splits text into the terms BM25 indexes and queries with.

    Uses jieba's search granularity: a long word is emitted together with the shorter
    dictionary words inside it, so 棚户区改造 in a question still meets 棚户区 in a measure.
    """

    name = "jieba"

    def __init__(self, user_words: Iterable[str] = (), word_counts: Callable[[], WordCounts] = jieba_word_counts) -> None:
        """`word_counts` gives jieba's general dictionary, when the first text is tokenised: by
        default as jieba loads it, or from where the index keeps it (open_word_counts)."""
        self._user_words = sorted({_normalise(word).strip() for word in user_words} - {""})
        self._word_counts = word_counts
        self._segmenter: jieba.Tokenizer | None = None
        self._lock = threading.Lock()

    @property
    def fingerprint(self) -> str:
        """Changes whenever the same text could come out as different tokens."""
        digest = hashlib.sha256()
        settings = (jieba.__version__, unicodedata.unidata_version, _USER_WORD_FREQUENCY, _USE_HMM)
        for part in (*map(str, settings), *sorted(STOPWORDS), "", *self._user_words):
            digest.update(part.encode("utf-8") + b"\0")
        return digest.hexdigest()[:16]

    def tokenize(self, text: str) -> list[str]:
        tokens = self._jieba().cut_for_search(_normalise(text), HMM=_USE_HMM)
        return [token for token in tokens if _is_term(token)]

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where jieba's words (search granularity, so the words inside a long word too) start and
        end in `text`, which the caller has normalised already: offsets index `text` itself."""
        return [(start, end) for _, start, end in self._jieba().tokenize(text.lower(), mode="search", HMM=_USE_HMM)]

    def word_spans(self, text: str) -> list[tuple[int, int]]:
        """Where jieba's words (default granularity: each character in one word only) start and end
        in `text`."""
        return [(start, end) for _, start, end in self._jieba().tokenize(text.lower(), HMM=_USE_HMM)]

    def rarity(self, word: str) -> float:
        """How rare a word is in general Chinese: minus the log of its share of jieba's word
        counts. A question's rare word that the corpus lacks is what the question is about."""
        segmenter = self._jieba()
        return -math.log((segmenter.FREQ.get(word, 0) + 1) / segmenter.total)

    def _jieba(self) -> jieba.Tokenizer:
        with self._lock:
            if self._segmenter is None:
                self._segmenter = self._build_segmenter()
            return self._segmenter

    def _build_segmenter(self) -> jieba.Tokenizer:
        segmenter = jieba.Tokenizer()
        self._word_counts().install(segmenter)
        for word in self._user_words:
            segmenter.add_word(word, freq=_USER_WORD_FREQUENCY)
        return segmenter
