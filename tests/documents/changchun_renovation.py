"""A city implementation plan: parts 一、, subsections （一）, tasks 1. numbered afresh in every subsection.

Responsibilities close each task in a parenthesis, in three forms: （牵头单位：…；责任单位：…）, （…牵头，…配合）
and （各县（市、区）政府按职责分工负责）; one task names no one. In the .docx all three levels are Word's
automatic numbering, set on each paragraph.

DOCUMENT is the document as printed; EXPECTED (tests.documents.model.ExpectedParse) is what a parser should read.
"""
from __future__ import annotations

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

COUNTIES = "各县（市、区）政府"

DOCUMENT = PolicyDocument(
    name="changchun-old-residential-areas-2024",
    title="长春市人民政府办公厅关于加快推进城镇老旧小区改造提升的实施方案",
    doc_number="长府办发〔2024〕12号",
    issuer="长春市人民政府办公厅",
    date="2024年3月15日",
    addressee="各县（市、区）人民政府，市政府各委办局、各直属机构：",
    preamble=(
        "为深入贯彻落实《国务院办公厅关于全面推进城镇老旧小区改造工作的指导意见》（国办发〔2020〕23号），"
        "加快推进我市城镇老旧小区改造提升，改善居民居住条件，结合我市实际，制定本实施方案。",
    ),
    body=(
        Heading(1, "一、", "总体要求"),
        "坚持以人民为中心的发展思想，坚持“先地下、后地上”，统筹推进基础类、完善类、提升类改造。"
        "到2026年底，基本完成2000年底前建成、需改造的城镇老旧小区改造任务，居民获得感、幸福感、安全感明显增强。",
        Heading(1, "二、", "重点任务"),
        Heading(2, "（一）", "科学编制改造计划"),
        Task(
            "1.",
            "摸清底数。以县（市、区）为单位全面摸排2000年底前建成的老旧小区，逐个小区建立改造台账，纳入项目库实行动态管理。",
            "（牵头单位：市住房城乡建设局；责任单位：市自然资源局、市城管执法局）",
            Responsible("市住房城乡建设局", ("市自然资源局", "市城管执法局")),
        ),
        Task(
            "2.",
            "编制年度计划。结合城市体检结果，按照“居民申请、街道组织、区级审核”的程序确定年度改造项目，每年10月底前报市政府审定。",
            "（牵头单位：市发展改革委；责任单位：市财政局、市自然资源局）",
            Responsible("市发展改革委", ("市财政局", "市自然资源局")),
        ),
        Heading(2, "（二）", "完善基础设施"),
        Task(
            "1.",
            "改造老旧管网。同步实施供水、排水、供热、燃气等老旧管网改造，推进“多网合一”，避免道路反复开挖。",
            "（市住房城乡建设局牵头，市财政局、市城管执法局配合）",
            Responsible("市住房城乡建设局", ("市财政局", "市城管执法局")),
        ),
        Task(
            "2.",
            "推进既有住宅加装电梯。简化审批流程，鼓励有条件的小区加装电梯，对符合条件的加装项目每部给予不超过10万元补贴。",
            "（市住房城乡建设局牵头，市市场监管局、市自然资源局配合）",
            Responsible("市住房城乡建设局", ("市市场监管局", "市自然资源局")),
        ),
        Task(
            "3.",
            "整治消防安全隐患。疏通消防车通道，完善小区消防设施，推进电动自行车集中停放充电场所建设。",
            "（市消防救援支队牵头，市住房城乡建设局、市公安局配合）",
            Responsible("市消防救援支队", ("市住房城乡建设局", "市公安局")),
        ),
        Heading(2, "（三）", "提升公共服务"),
        Task(
            "1.",
            "补齐社区服务设施短板。统筹利用闲置用房建设养老、托育、助餐等社区服务设施，打造“一刻钟便民生活圈”。",
            f"（市民政局牵头，市卫生健康委、市商务局、{COUNTIES}配合）",
            Responsible("市民政局", ("市卫生健康委", "市商务局"), (COUNTIES,)),
        ),
        Task(
            "2.",
            "开展小区环境整治。拆除违法建设，整治私搭乱建，增加绿化和停车设施，改善小区环境面貌。",
            f"（{COUNTIES}按职责分工负责）",
            Responsible(non_specific=(COUNTIES,)),
        ),
        Task(
            "3.",
            "建立长效管理机制。改造完成的小区同步引入专业化物业服务或实行社区托管，健全居民议事协商机制，巩固改造成果。",
        ),
        Heading(1, "三、", "保障措施"),
        Heading(2, "（一）", "加强资金保障"),
        Task(
            "1.",
            "多渠道筹措改造资金。积极争取中央补助资金和地方政府专项债券，落实居民出资责任，引导社会资本参与改造。",
            "（牵头单位：市财政局；责任单位：市发展改革委、市住房城乡建设局）",
            Responsible("市财政局", ("市发展改革委", "市住房城乡建设局")),
        ),
        Task(
            "2.",
            "加大金融支持力度。鼓励金融机构创新金融产品，为老旧小区改造项目提供长期低息贷款。",
            "（人民银行长春市分行牵头，国家金融监督管理总局长春监管分局、市财政局配合）",
            Responsible("人民银行长春市分行", ("国家金融监督管理总局长春监管分局", "市财政局")),
        ),
        Heading(2, "（二）", "强化组织实施"),
        Task(
            "1.",
            "建立调度通报机制。实行月调度、季通报，对工作推进缓慢的县（市、区）进行督导约谈。",
            f"（牵头单位：市住房城乡建设局；责任单位：{COUNTIES}）",
            Responsible("市住房城乡建设局", non_specific=(COUNTIES,)),
        ),
    ),
    attachments=("附件：长春市2024年城镇老旧小区改造提升项目清单",),
    pages=PrintedPages(header="长春市人民政府办公厅", page_number="- {n} -"),
    web=WebPage(
        site_name="长春市人民政府",
        section="政府文件",
        container='<div class="TRS_Editor">',
        metadata_layout="table",
        traditional=False,
        index_number="11220100013934027D/2024-00012",
        topic="城乡建设、环境保护",
        published="2024-03-18",
        site_code="2201000014",
        icp="吉ICP备05002022号-1",
    ),
    word_numbering=WordNumbering(
        (
            AutoNumber("heading1", "chineseCountingThousand", "%1、"),
            AutoNumber("heading2", "chineseCountingThousand", "（%2）"),
            AutoNumber("task", "decimal", "%3."),
        )
    ),
)

EXPECTED = expected_parse(DOCUMENT)
