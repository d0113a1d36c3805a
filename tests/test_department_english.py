"""English names composed from the parts of Chinese department names."""
import pytest

from corpus.department_english import english_for, gloss, romanize
from corpus.department_names import parse_name
from corpus.jurisdiction import Gazetteer, jurisdiction_of_issuer

JILIN = "吉林省人民政府"
CHANGCHUN = "长春市人民政府办公厅"
LIAONING = "辽宁省人民政府"
STATE_COUNCIL = "国务院办公厅"


def english(issuer: str, written: str):
    jurisdiction = jurisdiction_of_issuer(issuer)
    return english_for(parse_name(written, jurisdiction, Gazetteer([jurisdiction])))


@pytest.mark.parametrize(
    ("issuer", "written", "name"),
    [
        (JILIN, "省财政厅", "Provincial Department of Finance"),
        (JILIN, "省发展改革委", "Provincial Development and Reform Commission"),
        (JILIN, "省住房城乡建设厅", "Provincial Department of Housing and Urban-Rural Development"),
        (JILIN, "省人力资源社會保障廳", "Provincial Department of Human Resources and Social Security"),
        (JILIN, "省统计局", "Provincial Bureau of Statistics"),
        (JILIN, "省粮食局", "Provincial Grain Bureau"),
        (JILIN, "省能源局", "Provincial Energy Administration"),
        (JILIN, "省金融办", "Provincial Financial Affairs Office"),
        (JILIN, "省编办", "Provincial Commission Office for Public Sector Reform"),
        (JILIN, "省国资委", "Provincial State-owned Assets Supervision and Administration Commission"),
        (JILIN, "省通信管理局", "Jilin Communications Administration"),
        (JILIN, "省委组织部", "Organization Department of the CPC Jilin Provincial Committee"),
        (JILIN, "省总工会", "Jilin Provincial Federation of Trade Unions"),
        (CHANGCHUN, "市财政局", "Municipal Finance Bureau"),
        # written only abbreviated, as the document does: 经信 is 经济和信息化
        ("成都市人民政府办公厅", "市经信局", "Municipal Economy and Information Technology Bureau"),
        ("安徽省人民政府办公厅", "省经济和信息化厅", "Provincial Department of Economy and Information Technology"),
        (CHANGCHUN, "长春市发展改革委", "Municipal Development and Reform Commission"),
        (CHANGCHUN, "市城管执法局", "Municipal Urban Management and Law Enforcement Bureau"),
        (CHANGCHUN, "市市场监管局", "Municipal Administration for Market Regulation"),
        (CHANGCHUN, "市委组织部", "Organization Department of the CPC Changchun Municipal Committee"),
        ("沛县人民政府", "县财政局", "County Finance Bureau"),
        ("长春市朝阳区人民政府", "区教育局", "District Education Bureau"),
        (STATE_COUNCIL, "财政部", "Ministry of Finance"),
        (STATE_COUNCIL, "发展改革委", "National Development and Reform Commission"),
        (JILIN, "国家发展改革委", "National Development and Reform Commission"),
        (JILIN, "国家统计局", "National Bureau of Statistics"),
        (STATE_COUNCIL, "审计署", "National Audit Office"),
        (STATE_COUNCIL, "中央组织部", "Organization Department of the CPC Central Committee"),
        (STATE_COUNCIL, "人民银行", "People's Bank of China"),
        (JILIN, "人民银行长春中心支行", "People's Bank of China Changchun Central Sub-branch"),
        (JILIN, "中科院长春分院", "Chinese Academy of Sciences Changchun Branch"),
        (JILIN, "省国开行", "China Development Bank Jilin Branch"),
        (LIAONING, "省国开行", "China Development Bank Liaoning Branch"),
        (JILIN, "省农发行", "Agricultural Development Bank of China Jilin Branch"),
        (JILIN, "吉林银监局", "China Banking Regulatory Commission Jilin Office"),
        (JILIN, "长春海关", "Changchun Customs"),
        (JILIN, "吉林出入境检验检疫局", "Jilin Entry-Exit Inspection and Quarantine Bureau"),
        (JILIN, "民航吉林监管局", "CAAC Jilin Safety Supervision and Management Bureau"),
        (JILIN, "中储粮吉林分公司", "Sinograin Jilin Branch"),
    ],
)
def test_english_names_are_composed_from_level_body_and_subject(issuer, written, name):
    assert english(issuer, written).name == name


@pytest.mark.parametrize(
    ("issuer", "written", "aliases"),
    [
        (JILIN, "省财政厅", {"Department of Finance", "Finance Department", "Jilin Provincial Department of Finance"}),
        (JILIN, "省林业厅", {"Forestry Department", "Department of Forestry"}),
        (JILIN, "省统计局", {"Bureau of Statistics", "Statistics Bureau"}),
        (JILIN, "省能源局", {"Energy Administration", "Energy Bureau"}),
        (JILIN, "省工商局", {"Administration for Industry and Commerce", "Industry and Commerce Administration", "AIC"}),
        (JILIN, "省发展改革委", {"Development and Reform Commission", "NDRC", "DRC"}),
        (JILIN, "省国资委", {"SASAC", "State-owned Assets Supervision and Administration Commission"}),
        (JILIN, "省交通运输厅", {"Department of Transport", "Department of Transportation"}),
        (JILIN, "省委宣传部", {"Publicity Department", "Propaganda Department"}),
        (JILIN, "省通信管理局", {"Communications Administration", "Provincial Communications Administration"}),
        (JILIN, "人民银行长春中心支行", {"PBOC", "PBC", "PBOC Changchun", "People's Bank of China", "Changchun Central Sub-branch"}),
        (JILIN, "中科院长春分院", {"CAS", "CAS Changchun", "CAS Changchun Branch", "Chinese Academy of Sciences"}),
        (JILIN, "吉林银监局", {"CBRC", "CBRC Jilin", "China Banking Regulatory Commission"}),
        (JILIN, "吉林出入境检验检疫局", {"CIQ", "Jilin CIQ", "Entry-Exit Inspection and Quarantine Bureau"}),
        (CHANGCHUN, "市财政局", {"Finance Bureau", "Bureau of Finance", "Changchun Municipal Finance Bureau"}),
    ],
)
def test_english_aliases(issuer, written, aliases):
    assert aliases <= set(english(issuer, written).aliases)


@pytest.mark.parametrize(
    ("issuer", "written", "not_aliases"),
    [
        (JILIN, "省气象局", {"Bureau of Meteorological"}),  # an adjective from the table is not turned round
        (JILIN, "省财政厅", {"Finance", "Ministry of Finance"}),
    ],
)
def test_english_aliases_stay_within_the_rules(issuer, written, not_aliases):
    assert not not_aliases & set(english(issuer, written).aliases)


# CC-CEDICT: subjects and places no table knows.


@pytest.mark.parametrize(
    ("issuer", "written", "name"),
    [
        (JILIN, "省煤炭工业局", "Provincial Coal Industry Bureau"),
        (JILIN, "省民航机场集团", "Jilin Civil Aviation Airport Group"),
    ],
)
def test_subjects_the_table_lacks_are_glossed_from_the_dictionary(issuer, written, name):
    assert english(issuer, written).name == name


@pytest.mark.parametrize(("chinese", "english_text"), [("延边", "Yanbian"), ("朝阳", "Chaoyang"), ("四平", "Siping")])
def test_places_are_romanized_by_their_proper_reading(chinese, english_text):
    assert romanize(chinese) == english_text


def test_a_place_no_table_knows_is_romanized_in_the_jurisdiction_qualified_alias():
    assert "Yanbian Prefectural Tourism Administration" in english("延边朝鲜族自治州人民政府", "州旅游局").aliases


def test_a_run_of_characters_the_dictionary_lacks_is_romanized_as_one_word():
    assert gloss("吉图") == "Jitu"


def test_a_conjunction_between_dictionary_words_is_and():
    assert gloss("经济和信息化") == "Economy and Informatization"


def test_a_double_name_is_called_by_each_of_its_names_never_by_its_brackets():
    double, first, second = (english("成都市人民政府办公厅", written) for written in ("市经信局（市新经济委）", "市经信局", "市新经济委"))
    assert double.name == first.name == "Municipal Economy and Information Technology Bureau"
    assert set(double.forms) == set(first.forms) | set(second.forms)
