"""The .html: a full page of a government site around the article, as their CMSes publish documents.

Header with search, navigation, breadcrumb, the page's own title, the labelled metadata block (索引号 …
发布日期) as a table or a list, the article in the site's content container (with a script inside, as TRS
pages have), a share bar, a footer with 网站标识码 and ICP numbers, and scripts. Paragraphs in the source
wrap between Chinese characters, as CMS output does; the signature and date share one <p>, split by <br>.
"""
from __future__ import annotations

import re
from html import escape
from pathlib import Path

from tests.documents.model import PolicyDocument, Printed, TableGroup, TaskTable, printed

PARAGRAPH_STYLES = {
    "title": "text-align:center;font-size:22px;font-weight:bold",
    "doc_number": "text-align:center",
    "annex_title": "text-align:center;font-weight:bold",
    "addressee": "",
    "annex_label": "",
}
INDENT_STYLE = "text-indent:2em"
LABELS = {
    False: ("索 引 号", "主题分类", "发文机关", "成文日期", "标　　题", "发文字号", "发布日期"),
    True: ("索 引 號", "主題分類", "發文機關", "成文日期", "標　　題", "發文字號", "發佈日期"),
}
SOURCE_WRAP = 40  # characters per source line in the CMS output
CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def write_html(document: PolicyDocument, path: Path) -> None:
    web = document.web
    closing_tag = "</" + re.match(r"<(\w+)", web.container).group(1) + ">"
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="SiteName" content="{escape(web.site_name)}">
<meta name="ArticleTitle" content="{escape(document.title)}">
<meta name="PubDate" content="{web.published} 09:30">
<meta name="ContentSource" content="{escape(document.issuer)}">
<title>{escape(document.title)}_{escape(web.site_name)}</title>
<link rel="stylesheet" href="/images/style.css">
<script src="/js/jquery.min.js"></script>
<style>.nav li {{ display: inline; }}</style>
</head>
<body>
<div class="header">
  <div class="logo"><a href="/">{escape(web.site_name)}</a></div>
  <div class="search"><form action="/search"><input type="text" name="q" placeholder="请输入关键字"><button>搜索</button></form></div>
</div>
<ul class="nav">
  <li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li>
</ul>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/wj/">{escape(web.section)}</a></div>
<div class="article">
  <h1 class="article-title">{escape(document.title)}</h1>
{_metadata_block(document)}
  {web.container}
    <script>var trsArticleId = "{web.index_number}";</script>
{_article(document)}
  {closing_tag}
  <div class="share" style="display:none">分享到：微信 微博</div>
  <div class="article-tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
<div class="footer">
  <p>主办：{escape(document.issuer)}　承办：{escape(web.site_name)}信息中心</p>
  <p>网站标识码：{web.site_code}　{escape(web.icp)}　公网安备 22010202000123号</p>
</div>
<script>var _hmt = _hmt || []; (function() {{ var hm = document.createElement("script"); hm.src = "https://hm.baidu.com/hm.js"; }})();</script>
</body>
</html>
"""
    path.write_text(page, encoding="utf-8")


def _metadata_block(document: PolicyDocument) -> str:
    web = document.web
    labels = LABELS[web.traditional]
    values = (web.index_number, web.topic, document.issuer, document.date, document.title, document.doc_number, web.published)
    pairs = list(zip(labels, map(escape, values)))
    if web.metadata_layout == "list":
        items = "".join(f"<li><span>{label}：</span>{value}</li>" for label, value in pairs)
        return f'  <ul class="xxgk-info">{items}</ul>'
    index, topic, issuer, date, title, number, published = pairs
    rows = [(index, topic), (issuer, date), (title,), (number, published)]
    html_rows = "".join(
        "<tr>" + "".join(
            f'<td class="label">{label}：</td><td{"" if len(row) > 1 else " colspan=3"}>{value}</td>' for label, value in row
        ) + "</tr>"
        for row in rows
    )
    return f'  <table class="xxgk-table">{html_rows}</table>'


def _article(document: PolicyDocument) -> str:
    parts = []
    blocks = printed(document)
    for index, block in enumerate(blocks):
        if isinstance(block, TaskTable):
            parts.append(_table(block))
        elif block.role == "signature":
            # the signature and the date share one right-aligned paragraph, split by <br>
            date = blocks[index + 1]
            parts.append(f'<p style="text-align:right">{escape(block.text)}<br>{escape(date.text)}</p>')
        elif block.role != "date":
            parts.append(_paragraph(block))
        if isinstance(block, Printed) and block.role == "heading1":
            parts.append("<p>&nbsp;</p>")  # the blank paragraphs CMS editors leave between parts
    return "\n".join(f"    {part}" for part in parts)


def _paragraph(block: Printed) -> str:
    style = PARAGRAPH_STYLES.get(block.role, INDENT_STYLE)
    attribute = f' style="{style}"' if style else ""
    return f"<p{attribute}>{_wrapped(escape(block.text))}</p>"


def _wrapped(text: str) -> str:
    """The text with a source line break after every SOURCE_WRAP characters, where two Chinese characters meet."""
    pieces, since_break = [], 0
    for position, char in enumerate(text):
        pieces.append(char)
        since_break += 1
        following = text[position + 1 : position + 2]
        if since_break >= SOURCE_WRAP and CJK.match(char) and following and CJK.match(following):
            pieces.append("\n      ")
            since_break = 0
    return "".join(pieces)


def _table(table: TaskTable) -> str:
    rows = []
    for cells, source in zip(table.cells, (None, *table.rows)):
        if isinstance(source, TableGroup):
            rows.append(f"<tr><td>{escape(source.number)}</td><td colspan={len(cells) - 1}>{escape(source.title)}</td></tr>")
        else:
            tag = "th" if source is None else "td"
            rows.append("<tr>" + "".join(f"<{tag}>{escape(text)}</{tag}>" for text in cells) + "</tr>")
    body = "\n      ".join(rows)
    return f'<table border="1" cellspacing="0" cellpadding="4" style="border-collapse:collapse">\n      {body}\n    </table>'
