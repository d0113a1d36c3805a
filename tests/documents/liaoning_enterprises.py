"""A provincial notice in traditional characters: chapters 第一章, articles 第一條 numbered through the document.

Responsibilities stand on a line of their own after the article (責任單位：…, 牽頭單位：…, 牽頭單位：…；配合單位：…),
once closing the article in brackets (〔責任單位：…按職責分工負責〕). The preamble says how to read a list of
責任單位: the first named leads, unless the list is marked 按職責分工負責. In the .docx the article numbers
are Word's automatic numbering, carried by a paragraph style ('List Number' fashion).

DOCUMENT is the document as printed; EXPECTED (tests.documents.model.ExpectedParse) is what a parser should read.
"""
from __future__ import annotations

from functools import partial

from tests.documents.model import (
    AutoNumber,
    Heading,
    PolicyDocument,
    PrintedPages,
    Responsible,
    Task,
    WebPage,
    WordNumbering,
    expected_parse,
)

ARTICLE_SEPARATOR = "\u3000"
Article = partial(Task, separator=ARTICLE_SEPARATOR, on_own_line=True)
Chapter = partial(Heading, 1, separator=ARTICLE_SEPARATOR)

DOCUMENT = PolicyDocument(
    name="liaoning-small-enterprises-2023",
    title="遼寧省人民政府關於支持中小微企業穩定發展的若干措施",
    doc_number="遼政發〔2023〕5號",
    issuer="遼寧省人民政府",
    date="2023年3月8日",
    addressee="各市人民政府，省政府各廳委、各直屬機構：",
    preamble=(
        "為深入貫徹落實黨中央、國務院關於支持中小微企業發展的決策部署，幫助企業紓困解難、穩定發展，現提出如下措施，請認真貫徹執行。"
        "各條所列責任單位有兩個以上的，除註明按職責分工負責的外，排在第一位的為牽頭單位。",
    ),
    body=(
        Chapter("第一章", "總則"),
        Article("第一條", "為進一步激發中小微企業發展活力，穩定市場預期，促進全省經濟持續健康發展，制定本措施。"),
        Article("第二條", "本措施適用於在本省依法登記註冊的中小微企業和個體工商戶。"),
        Chapter("第二章", "財稅支持"),
        Article(
            "第三條",
            "全面落實小型微利企業所得稅、增值稅小規模納稅人減免等稅費優惠政策，推行“免申即享”，確保應享盡享。",
            "責任單位：省稅務局、省財政廳",
            Responsible("省稅務局", ("省財政廳",)),
        ),
        Article(
            "第四條",
            "對招用高校畢業生並簽訂一年以上勞動合同的中小微企業，按每人1500元標準給予一次性擴崗補助。",
            "責任單位：省財政廳、省人力資源社會保障廳",
            Responsible("省財政廳", ("省人力資源社會保障廳",)),
        ),
        Article(
            "第五條",
            "政府採購工程項目預留面向中小企業採購的份額提高至40%以上，預付款比例原則上不低於合同金額的30%。",
            "牽頭單位：省財政廳",
            Responsible("省財政廳"),
        ),
        Chapter("第三章", "金融服務"),
        Article(
            "第六條",
            "引導金融機構增加普惠小微貸款投放，全年普惠小微貸款增速不低於各項貸款平均增速。",
            "牽頭單位：人民銀行瀋陽分行；配合單位：國家金融監督管理總局遼寧監管局、省地方金融監管局",
            Responsible("人民銀行瀋陽分行", ("國家金融監督管理總局遼寧監管局", "省地方金融監管局")),
        ),
        Article(
            "第七條",
            "擴大政府性融資擔保業務規模，單戶擔保金額1000萬元以下的擔保費率不超過1%。",
            "責任單位：省財政廳、省地方金融監管局",
            Responsible("省財政廳", ("省地方金融監管局",)),
        ),
        Task(
            "第八條",
            "支持符合條件的中小企業在北京證券交易所、全國中小企業股份轉讓系統掛牌上市，對成功上市的企業給予分階段獎勵。",
            "〔責任單位：省地方金融監管局、遼寧證監局按職責分工負責〕",
            Responsible(co=("省地方金融監管局", "遼寧證監局")),
            separator=ARTICLE_SEPARATOR,
        ),
        Chapter("第四章", "市場拓展"),
        Article(
            "第九條",
            "組織中小微企業參加中國國際中小企業博覽會、中國—東北亞博覽會等展會，對參展費用給予補貼。",
            "牽頭單位：省商務廳",
            Responsible("省商務廳"),
        ),
        Article(
            "第十條",
            "實施中小企業數字化轉型行動，每年遴選100家中小企業開展數字化改造試點。",
            "牽頭單位：省工業和信息化廳；配合單位：省科技廳、省財政廳",
            Responsible("省工業和信息化廳", ("省科技廳", "省財政廳")),
        ),
        Article(
            "第十一條",
            "清理規範涉企收費，嚴禁向企業亂收費、亂罰款、亂攤派。",
            "責任單位：省市場監管局、各市人民政府",
            Responsible("省市場監管局", non_specific=("各市人民政府",)),
        ),
        Chapter("第五章", "附則"),
        Article("第十二條", "本措施自印發之日起施行，有效期至2025年12月31日。"),
    ),
    pages=PrintedPages(header="遼寧省人民政府文件", page_number="第{n}頁"),
    web=WebPage(
        site_name="遼寧省人民政府",
        section="省政府文件",
        container='<div id="zoom">',
        metadata_layout="table",
        traditional=True,
        index_number="11210000MB0129457X/2023-00005",
        topic="財政、金融、審計",
        published="2023-03-10",
        site_code="2100000013",
        icp="遼ICP備05019373號",
    ),
    word_numbering=WordNumbering((AutoNumber("task", "chineseCountingThousand", "第%1條"),), suffix="space", style="條文"),
)

EXPECTED = expected_parse(DOCUMENT)
