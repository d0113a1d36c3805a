"""What a document's text says about itself: its title and 文号 at the head; its attachments, issuer
and 成文日期 in the closing block.

A 公文 ends its body with the attachment list (附件：1.… 2.…), then the issuer on a line of its
own and the date below it, sometimes followed by a note such as （此件公开发布）. Whatever follows
that block (the attachments themselves) is body text again. A cover notice (印发通知: 现将《…》印发给你们)
signs either right after its few sentences, above the document it issues, or at the very end.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.layout import find_marker, normalized

DOC_NUMBER = re.compile(r"^(?:文号[：:]\s*)?(?P<number>[\u4e00-\u9fff]{1,12}[〔［\[【(（]\d{4}[〕］\]】)）]\s*\d+\s*号)$")
DATE = re.compile(
    r"^[（(]?(?P<date>(?:\d{4}|[〇○零一二三四五六七八九]{4})年"
    r"(?:\d{1,2}|[一二三四五六七八九十]{1,2})月(?:\d{1,2}|[一二三四五六七八九十]{1,3})日)[）)]?$"
)
ATTACHMENT = re.compile(r"^附件\s*\d*\s*[：:]\s*(?:\d+[.．、]\s*)?(?P<name>.*)$")
ATTACHMENT_ITEM = re.compile(r"^\d+[.．、]\s*(?P<name>.+)$")
CLOSING_NOTE = re.compile(r"^[（(]此件.*[）)]$|^抄送[：:]|印发$")
# a line with any of these is a sentence, not a title or an issuer's name
SENTENCE_MARKS = "。，；：！？,;:!?"
SALUTATION_END = "：:"
# a title ends in the kind of document it is
TITLE_END = re.compile(r"(?:意见|通知|方案|办法|规定|决定|规划|细则|条例|计划|纲要|批复|要点|清单|措施|公告|通告|函|规则|指引|指南)$")
RED_HEADER = re.compile(r"文件$")  # 吉林省人民政府文件, the masthead above a 公文's title
# the paragraphs below the head where a cover notice names what it issues: the salutation and the first of its own
NOTICE_OPENING = 2
# what a cover notice issues, the 《…》 nearest its 印发: 现将《…》印发给你们, 现印发《…》
ISSUED = re.compile(r"《(?P<before>[^《》]+)》[^《》。]*印发|印发[^《》。]*《(?P<after>[^《》]+)》")
MAX_HEADING_LENGTH = 80
MAX_ISSUER_LINES = 6
MAX_ISSUER_LENGTH = 40


@dataclass(frozen=True)
class TextMetadata:
    title: str
    doc_number: str
    issuer: str
    date: str
    attachments: tuple[str, ...]
    closing: range  # the paragraphs of the closing block, by position


def _is_sentence(text: str) -> bool:
    return any(mark in normalized(text) for mark in SENTENCE_MARKS)


def _is_issuer_line(text: str) -> bool:
    return len(text) <= MAX_ISSUER_LENGTH and not _is_sentence(text) and not DATE.match(normalized(text)) and find_marker(text) is None


def _date_line(texts: list[str], head_end: int) -> int | None:
    """The signature's date: the first standalone date below the head (a date under the title is not
    the signature's), whether a cover notice signs above the numbered body it issues or the body ends with it."""
    return next((index for index in range(head_end, len(texts)) if DATE.match(normalized(texts[index]))), None)


def _is_attachment_line(text: str) -> bool:
    return bool(ATTACHMENT.match(normalized(text)) or ATTACHMENT_ITEM.match(normalized(text)))


def _attachment_list_above(texts: list[str], end: int, body_start: int) -> int:
    """Where an attachment list ending just above position end begins; end when there is none."""
    start = end
    while start - 1 >= body_start and _is_attachment_line(texts[start - 1]):
        start -= 1
    # numbered lines above the first 附件 line are the body's last tasks
    return next((index for index in range(start, end) if ATTACHMENT.match(normalized(texts[index]))), end)


def _closing(texts: list[str], first_marker: int | None, head_end: int) -> tuple[range, range]:
    """The closing block and, within it, the signature: issuer lines and date (empty without one)."""
    body_start = first_marker or 0
    date = _date_line(texts, head_end)
    if date is None:
        attachment = next((index for index in range(body_start, len(texts)) if ATTACHMENT.match(normalized(texts[index]))), len(texts))
        end = attachment
        while end < len(texts) and _is_attachment_line(texts[end]):
            end += 1
        return range(attachment, end), range(0)
    # the block reaches up to the numbered body it closes, or to the head above a cover notice's few sentences
    floor = body_start if date >= body_start else head_end
    issuer_start = date
    while issuer_start - 1 >= floor and date - issuer_start < MAX_ISSUER_LINES and _is_issuer_line(texts[issuer_start - 1]):
        issuer_start -= 1
    end = date + 1
    while end < len(texts) and CLOSING_NOTE.search(normalized(texts[end])):
        end += 1
    return range(_attachment_list_above(texts, issuer_start, floor), end), range(issuer_start, date + 1)


def _attachments(lines: list[str]) -> tuple[str, ...]:
    """The names in 附件：1.… lines and the numbered lines that continue the list."""
    names, listing = [], False
    for text in lines:
        name = _as_written(ATTACHMENT, text, "name") or (_as_written(ATTACHMENT_ITEM, text, "name") if listing else "")
        listing = bool(ATTACHMENT.match(normalized(text))) or bool(name)
        if name.strip():
            names.append(name.strip())
    return tuple(names)


def _head(texts: list[str], first_marker: int | None) -> list[str]:
    """The lines above the salutation (or above the first sentence when there is none)."""
    head = []
    for text in texts[:first_marker]:
        if text.rstrip().endswith(tuple(SALUTATION_END)) or _is_sentence(text):
            break
        head.append(text)
    return head


def _is_masthead(text: str, following: str | None) -> bool:
    """吉林省人民政府文件 above a 公文's title, or an issuer's name the title below opens with (a letter's
    湖南省人民政府办公厅 above 湖南省人民政府办公厅关于…的通知)."""
    return bool(RED_HEADER.search(normalized(text))) or (following is not None and following.strip().startswith(text.strip()))


def _is_heading_like(text: str, following: str | None) -> bool:
    matching = normalized(text)
    return not (DOC_NUMBER.match(matching) or DATE.match(matching) or _is_masthead(text, following) or len(text) > MAX_HEADING_LENGTH)


def _heading_runs(head: list[str]) -> list[list[str]]:
    """The runs of heading-like lines, each ended by a line of another kind or by one ending in a document kind (…的意见)."""
    runs: list[list[str]] = [[]]
    for text, following in zip(head, [*head[1:], None]):
        if not _is_heading_like(text, following):
            runs.append([])
            continue
        runs[-1].append(text.strip())
        if TITLE_END.search(normalized(text)):
            runs.append([])
    return [run for run in runs if run]


def _title(head: list[str], notice: list[str]) -> str:
    """The first run of heading-like lines that ends in a document kind, joined: a masthead above it
    (湖南省人民政府办公厅 on its own, then the 文号) is no title. With no such run, the document a cover
    notice issues (现将《…》印发给你们), else the first run."""
    runs = _heading_runs(head)
    titled = next((run for run in runs if TITLE_END.search(normalized(run[-1]))), None)
    if titled is not None:
        return "".join(titled)
    issued = next((match for text in notice if (match := ISSUED.search(text))), None)
    if issued is not None:
        return issued.group("before") or issued.group("after")
    return "".join(runs[0]) if runs else ""


def _as_written(pattern: re.Pattern[str], text: str, group: str) -> str:
    """A group of the pattern matched on the normalized copy, sliced from the text as written."""
    match = pattern.match(normalized(text))
    return text[match.start(group) : match.end(group)] if match else ""


def read_metadata(texts: list[str], first_marker: int | None) -> TextMetadata:
    """Metadata from the paragraphs' texts; first_marker is the position of the first numbered one."""
    head = _head(texts, first_marker)
    closing, signature = _closing(texts, first_marker, len(head))
    return TextMetadata(
        title=_title(head, texts[len(head) : len(head) + NOTICE_OPENING]),
        doc_number=next((number for text in head if (number := _as_written(DOC_NUMBER, text, "number"))), ""),
        issuer="、".join(texts[index].strip() for index in signature[:-1]),
        date=_as_written(DATE, texts[signature[-1]], "date") if signature else "",
        attachments=_attachments([texts[index] for index in closing if index not in signature]),
        closing=closing,
    )
