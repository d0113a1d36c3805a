"""Jurisdictions from issuers, and the parts, full names and aliases of written department names."""
import pytest

from corpus.department_names import Kind, parse_name
from corpus.jurisdiction import Gazetteer, Level, jurisdiction_of_issuer

JILIN = "吉林省人民政府"
CHANGCHUN = "长春市人民政府办公厅"
LIAONING = "辽宁省人民政府"
STATE_COUNCIL = "国务院办公厅"
YANBIAN = "延边朝鲜族自治州人民政府"
ANHUI = "安徽省人民政府办公厅"
CHENGDU = "成都市人民政府办公厅"


def read(issuer: str, written: str):
    jurisdiction = jurisdiction_of_issuer(issuer)
    return parse_name(written, jurisdiction, Gazetteer([jurisdiction]))


@pytest.mark.parametrize(
    ("issuer", "name", "short", "level", "level_word"),
    [
        (JILIN, "吉林省", "吉林", Level.PROVINCE, "省"),
        (CHANGCHUN, "长春市", "长春", Level.CITY, "市"),
        (LIAONING, "辽宁省", "辽宁", Level.PROVINCE, "省"),
        (STATE_COUNCIL, "", "", Level.NATIONAL, ""),
        ("财政部", "", "", Level.NATIONAL, ""),
        (YANBIAN, "延边朝鲜族自治州", "延边", Level.PREFECTURE, "州"),
        ("广西壮族自治区人民政府", "广西壮族自治区", "广西", Level.PROVINCE, "自治区"),
        ("吉林省长春市人民政府", "长春市", "长春", Level.CITY, "市"),
        ("中共吉林省委办公厅", "吉林省", "吉林", Level.PROVINCE, "省"),
        ("广州市人民政府", "广州市", "广州", Level.CITY, "市"),
        ("沛县人民政府", "沛县", "沛县", Level.COUNTY, "县"),
        ("吉林市人民政府", "吉林市", "吉林", Level.CITY, "市"),
        ("吉林省財政廳", "吉林省", "吉林", Level.PROVINCE, "省"),
    ],
)
def test_the_issuer_gives_the_jurisdiction(issuer, name, short, level, level_word):
    jurisdiction = jurisdiction_of_issuer(issuer)
    assert (jurisdiction.name, jurisdiction.short, jurisdiction.level, jurisdiction.level_word) == (name, short, level, level_word)


@pytest.mark.parametrize(
    ("issuer", "written", "kind", "jurisdiction", "full_name"),
    [
        (JILIN, "省发展改革委", Kind.GOVERNMENT, "吉林省", "吉林省发展和改革委员会"),
        (LIAONING, "省发展改革委", Kind.GOVERNMENT, "辽宁省", "辽宁省发展和改革委员会"),
        (JILIN, "省财政厅", Kind.GOVERNMENT, "吉林省", "吉林省财政厅"),
        (CHANGCHUN, "市财政局", Kind.GOVERNMENT, "长春市", "长春市财政局"),
        (STATE_COUNCIL, "财政部", Kind.GOVERNMENT, "", "中华人民共和国财政部"),
        (JILIN, "财政部", Kind.GOVERNMENT, "", "中华人民共和国财政部"),
        (JILIN, "财政厅", Kind.GOVERNMENT, "吉林省", "吉林省财政厅"),
        (CHANGCHUN, "长春市发展改革委", Kind.GOVERNMENT, "长春市", "长春市发展和改革委员会"),
        (CHANGCHUN, "长春市住房城乡建设局", Kind.GOVERNMENT, "长春市", "长春市住房和城乡建设局"),
        (CHANGCHUN, "市城管执法局", Kind.GOVERNMENT, "长春市", "长春市城市管理行政执法局"),
        (CHANGCHUN, "市场监管局", Kind.GOVERNMENT, "长春市", "长春市市场监督管理局"),
        (CHANGCHUN, "市市场监管局", Kind.GOVERNMENT, "长春市", "长春市市场监督管理局"),
        (JILIN, "省人力资源社會保障廳", Kind.GOVERNMENT, "吉林省", "吉林省人力资源和社会保障厅"),
        (JILIN, "省编办", Kind.GOVERNMENT, "吉林省", "吉林省机构编制委员会办公室"),
        (JILIN, "省金融办", Kind.GOVERNMENT, "吉林省", "吉林省人民政府金融工作办公室"),
        (JILIN, "省政府金融办", Kind.GOVERNMENT, "吉林省", "吉林省人民政府金融工作办公室"),
        (JILIN, "省国资委", Kind.GOVERNMENT, "吉林省", "吉林省人民政府国有资产监督管理委员会"),
        (JILIN, "国家发展改革委", Kind.GOVERNMENT, "", "国家发展和改革委员会"),
        (STATE_COUNCIL, "发展改革委", Kind.GOVERNMENT, "", "国家发展和改革委员会"),
        (STATE_COUNCIL, "国务院国资委", Kind.GOVERNMENT, "", "国务院国有资产监督管理委员会"),
        (JILIN, "四平市财政局", Kind.GOVERNMENT, "四平市", "四平市财政局"),
        (YANBIAN, "州旅游局", Kind.GOVERNMENT, "延边朝鲜族自治州", "延边朝鲜族自治州旅游局"),
        (JILIN, "省委组织部", Kind.PARTY, "吉林省", "中共吉林省委组织部"),
        (JILIN, "中共吉林省委宣传部", Kind.PARTY, "吉林省", "中共吉林省委宣传部"),
        (CHANGCHUN, "市委政法委", Kind.PARTY, "长春市", "中共长春市委政法委员会"),
        (STATE_COUNCIL, "中央组织部", Kind.PARTY, "", "中共中央组织部"),
        (JILIN, "省总工会", Kind.ORGANIZATION, "吉林省", "吉林省总工会"),
        (CHANGCHUN, "市妇联", Kind.ORGANIZATION, "长春市", "长春市妇女联合会"),
        (JILIN, "人民银行长春中心支行", Kind.BRANCH, "长春市", "中国人民银行长春中心支行"),
        (CHANGCHUN, "人民银行长春中心支行", Kind.BRANCH, "长春市", "中国人民银行长春中心支行"),
        (JILIN, "中科院长春分院", Kind.BRANCH, "长春市", "中国科学院长春分院"),
        (JILIN, "中储粮吉林分公司", Kind.BRANCH, "吉林省", "中国储备粮管理总公司吉林分公司"),
        (JILIN, "民航吉林监管局", Kind.BRANCH, "吉林省", "中国民用航空吉林安全监督管理局"),
        (JILIN, "省国开行", Kind.JURISDICTION_BRANCH, "吉林省", "国家开发银行吉林省分行"),
        (LIAONING, "省国开行", Kind.JURISDICTION_BRANCH, "辽宁省", "国家开发银行辽宁省分行"),
        (JILIN, "吉林省农发行", Kind.JURISDICTION_BRANCH, "吉林省", "中国农业发展银行吉林省分行"),
        (JILIN, "吉林银监局", Kind.LOCAL_OFFICE, "吉林省", "中国银行业监督管理委员会吉林监管局"),
        (CHANGCHUN, "吉林银监局", Kind.LOCAL_OFFICE, "吉林省", "中国银行业监督管理委员会吉林监管局"),
        (JILIN, "长春海关", Kind.LOCAL_OFFICE, "长春市", "中华人民共和国长春海关"),
        (JILIN, "吉林出入境检验检疫局", Kind.LOCAL_OFFICE, "吉林省", "中华人民共和国吉林出入境检验检疫局"),
        (STATE_COUNCIL, "人民银行", Kind.INSTITUTION, "", "中国人民银行"),
        (JILIN, "省电力公司", Kind.OTHER, "吉林省", "吉林省电力公司"),
        # a level word the issuer does not have: some body of that level, which no place completes
        (JILIN, "市财政局", Kind.GOVERNMENT, "市", "市财政局"),
        (STATE_COUNCIL, "省财政厅", Kind.GOVERNMENT, "省", "省财政厅"),
    ],
)
def test_a_written_name_is_completed_by_its_documents_jurisdiction_unless_it_carries_its_own(
    issuer, written, kind, jurisdiction, full_name
):
    name = read(issuer, written)
    assert (name.kind, name.jurisdiction.name, name.full_name) == (kind, jurisdiction, full_name)


@pytest.mark.parametrize(
    ("issuer", "written", "aliases"),
    [
        (JILIN, "省发展改革委", {"发改委", "省发改委", "吉林省发改委", "吉林发改委", "发展改革委", "发展和改革委员会", "省发展和改革委员会"}),
        (JILIN, "省人力资源社会保障厅", {"人社厅", "省人社厅", "吉林省人社厅", "人力资源和社会保障厅", "吉林省人力资源和社会保障厅"}),
        (JILIN, "省住房城乡建设厅", {"住建厅", "省住建厅", "住房和城乡建设厅", "吉林省住房城乡建设厅"}),
        (JILIN, "省工业信息化厅", {"工信厅", "工业和信息化厅", "工业信息化厅"}),
        (JILIN, "省科技厅", {"科学技术厅", "吉林省科技厅"}),
        (JILIN, "省交通运输厅", {"交通厅", "交通运输厅"}),
        (JILIN, "省环保厅", {"环境保护厅", "环保厅"}),
        (JILIN, "省质监局", {"质量技术监督局", "质监局", "质量技监局"}),
        (JILIN, "省食品药品监管局", {"食品药品监督管理局", "食药监局", "药监局"}),
        (JILIN, "省编办", {"编办", "编委办", "机构编制委员会办公室", "省编委办"}),
        (JILIN, "省外办", {"外办", "外事办", "外事办公室", "省政府外事办公室", "吉林省人民政府外事办公室"}),
        (JILIN, "省国资委", {"国资委", "国有资产监督管理委员会", "省政府国资委"}),
        (JILIN, "省委组织部", {"组织部", "吉林省委组织部", "中共吉林省委组织部"}),
        (CHANGCHUN, "长春市发展改革委", {"市发改委", "长春发改委", "发改委", "市发展和改革委员会"}),
        (CHANGCHUN, "长春市住房城乡建设局", {"住建局", "市住建局", "长春住建局", "住房和城乡建设局"}),
        (CHANGCHUN, "市城管执法局", {"城管局", "城管执法局", "长春市城管执法局", "城市管理行政执法局"}),
        (CHANGCHUN, "市市场监管局", {"市场监管局", "市场监督管理局", "市监局", "长春市市场监管局"}),
        (JILIN, "人民银行长春中心支行", {"人民银行", "人行", "央行", "中国人民银行", "人行长春中心支行", "长春中心支行"}),
        (JILIN, "中科院长春分院", {"中科院", "中国科学院", "长春分院", "科学院长春分院"}),
        (JILIN, "省国开行", {"国开行", "国家开发银行", "吉林省国开行", "国开行吉林分行", "国家开发银行吉林分行"}),
        (JILIN, "吉林银监局", {"银监局", "省银监局", "银监会", "中国银监会吉林监管局", "银行业监督管理委员会吉林监管局"}),
        (JILIN, "吉林出入境检验检疫局", {"检验检疫局", "国检局", "吉林国检局", "省检验检疫局"}),
        (JILIN, "民航吉林监管局", {"民航监管局", "吉林民航监管局", "民航吉林安全监督管理局"}),
        (JILIN, "省人力资源社會保障廳", {"人社厅", "省人力资源社会保障厅"}),
        # a subject the table lacks is abbreviated as the table's are: the first character of each function
        (ANHUI, "省经济和信息化厅", {"经信厅", "省经信厅", "安徽省经信厅", "经济信息化厅", "安徽省经济和信息化厅"}),
    ],
)
def test_aliases_come_from_the_standard_abbreviations_and_the_jurisdiction(issuer, written, aliases):
    assert aliases <= set(read(issuer, written).aliases)


@pytest.mark.parametrize(
    ("issuer", "written", "not_aliases"),
    [
        (JILIN, "省环保厅", {"环保局", "环境保护局"}),  # 厅 stays 厅
        (JILIN, "省财政厅", {"财政局", "财政"}),
        (JILIN, "省发展改革委", {"发改委员会", "发改"}),  # an abbreviation takes only the short body word
        (JILIN, "省国开行", {"吉林分行", "吉林省分行"}),  # every bank's branch in Jilin is called that
        (JILIN, "长春海关", {"海关"}),  # a common word
        (JILIN, "省电力公司", {"电力", "公司"}),
        (JILIN, "省发展改革委", {"省发展改革委"}),  # the written form is the name, not an alias
        (JILIN, "国家发展改革委", {"发改委", "发展改革委"}),  # a national body written so keeps its marker
        (JILIN, "省住房城乡建设厅", {"住城厅"}),  # the table's abbreviation, not the rule's, for a subject it lists
    ],
)
def test_aliases_stay_within_the_rules(issuer, written, not_aliases):
    assert not not_aliases & set(read(issuer, written).aliases)


def test_a_double_name_is_one_body_with_both_names():
    """市经信局（市新经济委）: the body of its first name, kept as written, answering to the second too."""
    name = read(CHENGDU, "市经信局（市新经济委）")
    assert (name.written, name.kind, name.jurisdiction.name, name.full_name) == (
        "市经信局（市新经济委）",
        Kind.GOVERNMENT,
        "成都市",
        read(CHENGDU, "市经信局").full_name,
    )
    assert {"市经信局", "经信局", "成都市经信局", "市新经济委", "新经济委", "成都市新经济委员会"} <= set(name.aliases)
