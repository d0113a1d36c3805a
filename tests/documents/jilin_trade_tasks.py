"""A department's notice whose tasks are an attached task-division table (重点任务分工表).

A short preamble and closing, then the attachment: 序号 / 重点任务 / 牵头单位 / 责任单位, tasks numbered
"1" or "2.3"; group rows ("2 拓展多元化国际市场") head the tasks numbered under them, their title spanning
the task and department columns. Cells list several departments separated by 、, one lists only
各市（州）政府, one is empty.

DOCUMENT is the document as printed; EXPECTED (tests.documents.model.ExpectedParse) is what a parser should read.
"""
from __future__ import annotations

from tests.documents.model import (
    Annex,
    PolicyDocument,
    PrintedPages,
    Responsible,
    TableGroup,
    TableTask,
    TaskTable,
    WebPage,
    expected_parse,
)

PREFECTURES = "各市（州）政府"
TABLE_TITLE = "2024年全省外贸稳规模优结构重点任务分工表"

DOCUMENT = PolicyDocument(
    name="jilin-foreign-trade-tasks-2024",
    title=f"吉林省商务厅关于印发《{TABLE_TITLE}》的通知",
    doc_number="吉商发〔2024〕21号",
    issuer="吉林省商务厅",
    date="2024年4月2日",
    addressee="各市（州）商务主管部门，长白山管委会经济发展局，省直有关单位：",
    preamble=(
        "为贯彻落实《国务院办公厅关于推动外贸稳规模优结构的意见》（国办发〔2023〕10号），推动全省外贸质升量稳，"
        f"省商务厅会同有关部门研究制定了《{TABLE_TITLE}》，现印发给你们，请结合实际认真抓好落实。",
        "各牵头单位要会同责任单位细化工作举措，于每季度末月25日前将工作进展情况报送省商务厅对外贸易处。",
    ),
    body=(),
    attachments=(f"附件：{TABLE_TITLE}",),
    annex=Annex(
        "附件",
        TABLE_TITLE,
        TaskTable(
            ("序号", "重点任务", "牵头单位", "责任单位"),
            (
                TableTask(
                    "1",
                    "培育壮大外贸经营主体。实施外贸主体培育行动，建立重点外贸企业联系服务制度，全年新增有进出口实绩企业200家以上。",
                    "省商务厅",
                    "省市场监管局、长春海关、省税务局",
                    Responsible("省商务厅", ("省市场监管局", "长春海关", "省税务局")),
                ),
                TableGroup("2", "拓展多元化国际市场"),
                TableTask(
                    "2.1",
                    "组织企业参加中国进出口商品交易会、中国国际进口博览会等重点展会，支持企业赴境外参加专业展会。",
                    "省商务厅",
                    "省贸促会、省财政厅",
                    Responsible("省商务厅", ("省贸促会", "省财政厅")),
                ),
                TableTask(
                    "2.2",
                    "深耕东北亚市场，扩大对日本、韩国、俄罗斯、蒙古国等周边国家贸易规模。",
                    "省商务厅",
                    "省外办、省贸促会、长春海关",
                    Responsible("省商务厅", ("省外办", "省贸促会", "长春海关")),
                ),
                TableTask(
                    "2.3",
                    "支持企业在重点市场建设海外仓，提升海外仓数字化、智能化水平。",
                    "省商务厅",
                    PREFECTURES,
                    Responsible("省商务厅", non_specific=(PREFECTURES,)),
                ),
                TableTask(
                    "3",
                    "提升跨境贸易便利化水平。深化通关便利化改革，推广“提前申报”“两步申报”等模式，压缩进出口整体通关时间。",
                    "长春海关",
                    "省商务厅、省交通运输厅、省发展改革委",
                    Responsible("长春海关", ("省商务厅", "省交通运输厅", "省发展改革委")),
                ),
                TableGroup("4", "强化外贸金融财税支持"),
                TableTask(
                    "4.1",
                    "扩大出口信用保险承保规模和覆盖面，加大对中小微外贸企业的支持力度。",
                    "省商务厅",
                    "中国出口信用保险公司吉林分公司、省财政厅",
                    Responsible("省商务厅", ("中国出口信用保险公司吉林分公司", "省财政厅")),
                ),
                TableTask(
                    "4.2",
                    "引导金融机构加大外贸企业信贷投放，扩大跨境贸易人民币结算规模。",
                    "人民银行吉林省分行",
                    "国家金融监督管理总局吉林监管局、国家外汇管理局吉林省分局",
                    Responsible("人民银行吉林省分行", ("国家金融监督管理总局吉林监管局", "国家外汇管理局吉林省分局")),
                ),
                TableTask(
                    "4.3",
                    "落实出口退税政策，将正常出口退税平均办理时间压缩至3个工作日以内。",
                    "省税务局",
                    "省财政厅、省商务厅",
                    Responsible("省税务局", ("省财政厅", "省商务厅")),
                ),
                TableTask(
                    "5",
                    "推动跨境电商加快发展。支持长春、吉林、珲春等跨境电商综合试验区建设，培育跨境电商产业园区。",
                    "省商务厅",
                    f"长春海关、省邮政管理局、{PREFECTURES}",
                    Responsible("省商务厅", ("长春海关", "省邮政管理局"), (PREFECTURES,)),
                ),
                TableTask(
                    "6",
                    "加强外贸运行监测预警。跟踪重点企业、重点商品进出口情况，及时协调解决企业困难和问题。",
                    "省商务厅",
                    "",
                    Responsible("省商务厅"),
                ),
            ),
        ),
    ),
    pages=PrintedPages(header="吉林省商务厅", page_number="{n}"),
    web=WebPage(
        site_name="吉林省商务厅",
        section="通知公告",
        container='<div class="news-detail-text">',
        metadata_layout="list",
        traditional=False,
        index_number="11220000013544191B/2024-00021",
        topic="商贸、海关、旅游",
        published="2024-04-07",
        site_code="2200000039",
        icp="吉ICP备05001326号",
    ),
)

EXPECTED = expected_parse(DOCUMENT)
