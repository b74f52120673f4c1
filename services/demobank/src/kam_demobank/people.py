"""Realistic-looking Chinese names, company names, places, phone numbers and identity numbers for the demo bank.

Everything takes a seeded :class:`random.Random` so the generated bank is reproducible. Identity numbers and
统一社会信用代码 carry valid check characters (:mod:`kam_customer.domain.identifiers`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from itertools import accumulate

from kam_customer.domain.identifiers import resident_id_check_char, uscc_check_char

# Common surnames with rough frequency weights (per mille of the population, rounded).
_SURNAMES = (
    ("王", 72),
    ("李", 72),
    ("张", 69),
    ("刘", 54),
    ("陈", 45),
    ("杨", 32),
    ("黄", 23),
    ("赵", 22),
    ("吴", 20),
    ("周", 19),
    ("徐", 15),
    ("孙", 15),
    ("马", 14),
    ("朱", 14),
    ("胡", 13),
    ("郭", 12),
    ("何", 11),
    ("高", 11),
    ("林", 11),
    ("罗", 10),
    ("郑", 10),
    ("梁", 9),
    ("谢", 8),
    ("宋", 7),
    ("唐", 7),
    ("许", 7),
    ("韩", 7),
    ("冯", 7),
    ("邓", 7),
    ("曹", 6),
    ("彭", 6),
    ("曾", 6),
    ("肖", 6),
    ("田", 5),
    ("董", 5),
    ("袁", 5),
    ("潘", 5),
    ("于", 5),
    ("蒋", 5),
    ("蔡", 5),
    ("余", 5),
    ("杜", 5),
    ("叶", 5),
    ("程", 5),
    ("苏", 4),
    ("魏", 4),
    ("吕", 4),
    ("丁", 4),
    ("任", 4),
    ("沈", 4),
    ("姚", 4),
    ("卢", 4),
    ("姜", 4),
    ("崔", 4),
    ("钟", 4),
    ("谭", 3),
    ("陆", 3),
    ("汪", 3),
    ("范", 3),
    ("金", 3),
    ("石", 3),
    ("廖", 3),
    ("贾", 3),
    ("夏", 3),
    ("韦", 3),
    ("付", 3),
    ("方", 3),
    ("白", 3),
    ("邹", 3),
    ("孟", 3),
    ("熊", 3),
    ("秦", 3),
    ("邱", 3),
    ("江", 3),
    ("尹", 3),
    ("薛", 2),
    ("闫", 2),
    ("段", 2),
    ("雷", 2),
    ("侯", 2),
    ("龙", 2),
    ("史", 2),
    ("陶", 2),
    ("黎", 2),
    ("贺", 2),
    ("顾", 2),
    ("毛", 2),
    ("郝", 2),
    ("龚", 2),
    ("邵", 2),
    ("万", 2),
    ("钱", 2),
    ("严", 2),
    ("武", 2),
    ("戴", 2),
    ("莫", 2),
    ("孔", 2),
    ("向", 1),
    ("汤", 1),
    ("欧阳", 1),
    ("司马", 1),
    ("上官", 1),
    ("诸葛", 1),
)
_MALE_CHARS = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林欢阳建国志新文海峰亮成东晨博"
_FEMALE_CHARS = "芳娜敏静丽艳娟霞秀玲桂英慧莹雪琳晶婷颖倩洁佳悦欣怡梦雅琪璐瑶蕾薇菲丹萍红燕妍婧"
_NEUTRAL_CHARS = "子晓一思雨嘉金春秋天立永玉世德家正安然泽心若诗书"

_SURNAME_LIST = [s for s, _ in _SURNAMES]
_SURNAME_CUM = list(accumulate(w for _, w in _SURNAMES))

_MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "173",
    "176",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
)

# Birthplace area codes outside the bank's cities (people move).
OTHER_AREAS = (
    "130102",
    "370102",
    "410105",
    "430102",
    "350102",
    "500103",
    "120101",
    "340102",
    "360102",
    "450102",
    "530102",
    "520102",
    "140105",
    "220102",
    "230102",
    "620102",
    "150102",
    "370202",
    "320205",
    "330302",
    "441302",
    "421002",
    "130602",
    "411302",
)


@dataclass(frozen=True)
class BranchPlan:
    """One provincial/city branch (分行) and its sub-branches (支行) as (district name, area code)."""

    city: str
    region: str
    weight: float
    districts: tuple[tuple[str, str], ...]


BRANCHES: tuple[BranchPlan, ...] = (
    BranchPlan(
        "北京",
        "华北",
        1.5,
        (
            ("东城", "110101"),
            ("西城", "110102"),
            ("朝阳", "110105"),
            ("丰台", "110106"),
            ("海淀", "110108"),
            ("通州", "110112"),
            ("昌平", "110114"),
        ),
    ),
    BranchPlan(
        "上海",
        "华东",
        1.5,
        (
            ("黄浦", "310101"),
            ("徐汇", "310104"),
            ("长宁", "310105"),
            ("静安", "310106"),
            ("普陀", "310107"),
            ("闵行", "310112"),
            ("浦东", "310115"),
            ("嘉定", "310114"),
        ),
    ),
    BranchPlan(
        "广州",
        "华南",
        1.1,
        (("越秀", "440104"), ("海珠", "440105"), ("天河", "440106"), ("白云", "440111"), ("番禺", "440113")),
    ),
    BranchPlan(
        "深圳",
        "华南",
        1.2,
        (("罗湖", "440303"), ("福田", "440304"), ("南山", "440305"), ("宝安", "440306"), ("龙岗", "440307")),
    ),
    BranchPlan(
        "杭州",
        "华东",
        1.0,
        (("上城", "330102"), ("拱墅", "330105"), ("西湖", "330106"), ("滨江", "330108"), ("萧山", "330109")),
    ),
    BranchPlan(
        "南京", "华东", 0.8, (("玄武", "320102"), ("秦淮", "320104"), ("鼓楼", "320106"), ("江宁", "320115"))
    ),
    BranchPlan(
        "成都",
        "西南",
        0.9,
        (("锦江", "510104"), ("青羊", "510105"), ("金牛", "510106"), ("武侯", "510107"), ("成华", "510108")),
    ),
    BranchPlan(
        "武汉", "华中", 0.8, (("江岸", "420102"), ("江汉", "420103"), ("武昌", "420106"), ("洪山", "420111"))
    ),
    BranchPlan(
        "西安", "西北", 0.6, (("新城", "610102"), ("碑林", "610103"), ("莲湖", "610104"), ("雁塔", "610113"))
    ),
    BranchPlan("沈阳", "东北", 0.5, (("和平", "210102"), ("沈河", "210103"), ("皇姑", "210105"))),
)

# (industry, name stems) — industries after GB/T 4754 sections.
INDUSTRIES = (
    ("制造业", ("机械制造", "精密机械", "电子科技", "新材料", "汽车零部件", "化工")),
    ("批发和零售业", ("贸易", "商贸", "供应链管理", "百货")),
    ("建筑业", ("建设工程", "建筑工程", "装饰工程", "市政工程")),
    ("房地产业", ("置业", "房地产开发", "物业管理")),
    ("信息传输、软件和信息技术服务业", ("信息技术", "软件", "网络科技", "数据科技")),
    ("交通运输、仓储和邮政业", ("物流", "运输", "仓储")),
    ("住宿和餐饮业", ("餐饮管理", "酒店管理")),
    ("租赁和商务服务业", ("商务咨询", "企业管理", "租赁")),
    ("科学研究和技术服务业", ("生物科技", "检测技术", "工程技术")),
    ("电力、热力、燃气及水生产和供应业", ("能源", "新能源科技", "燃气")),
    ("农、林、牧、渔业", ("农业发展", "生态农业", "水产")),
    ("卫生和社会工作", ("医疗科技", "医药", "健康管理")),
)
_BRAND_CHARS = "华中金宏鑫瑞泰恒德盛兴达源通信安利昌隆丰远博创新海天宇嘉润正凯锦荣永祥和美辰星汇聚"

MERCHANTS = (
    "美团",
    "京东商城",
    "淘宝",
    "拼多多",
    "沃尔玛",
    "永辉超市",
    "星巴克",
    "中国石化加油站",
    "中国石油加油站",
    "盒马鲜生",
    "肯德基",
    "麦当劳",
    "苏宁易购",
    "国美电器",
    "万达影城",
    "滴滴出行",
    "携程旅行",
    "海底捞",
    "屈臣氏",
    "华润万家",
    "大润发",
    "优衣库",
    "瑞幸咖啡",
    "喜茶",
    "中国国航",
    "东方航空",
    "12306铁路",
)


def pick_weighted(rnd: random.Random, items: list, cum: list) -> object:
    return rnd.choices(items, cum_weights=cum)[0]


def surname(rnd: random.Random) -> str:
    return rnd.choices(_SURNAME_LIST, cum_weights=_SURNAME_CUM)[0]


def given_name(rnd: random.Random, gender: str) -> str:
    pool = _MALE_CHARS if gender == "M" else _FEMALE_CHARS
    first = pool[int(rnd.random() * len(pool))]
    if rnd.random() < 0.35:
        return first
    second = (pool + _NEUTRAL_CHARS)[int(rnd.random() * (len(pool) + len(_NEUTRAL_CHARS)))]
    return second + first if rnd.random() < 0.3 else first + second


def person_name(rnd: random.Random, gender: str) -> str:
    return surname(rnd) + given_name(rnd, gender)


def mobile(rnd: random.Random) -> str:
    return (
        _MOBILE_PREFIXES[int(rnd.random() * len(_MOBILE_PREFIXES))] + f"{int(rnd.random() * 100_000_000):08d}"
    )


def resident_id(rnd: random.Random, area: str, birth: date, gender: str) -> str:
    """An 18-digit resident ID: area + birth date + sequence (odd for men, even for women) + check char."""
    seq = int(rnd.random() * 500) * 2 + (1 if gender == "M" else 0)
    first17 = f"{area}{birth.year:04d}{birth.month:02d}{birth.day:02d}{seq:03d}"
    return first17 + resident_id_check_char(first17)


_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc(rnd: random.Random, area: str) -> str:
    """A 统一社会信用代码: 9 (工商) 1 (企业) + area + organisation code (GB 11714, with its check) + check char."""
    body = f"{int(rnd.random() * 100_000_000):08d}"
    check = 11 - sum(int(c) * w for c, w in zip(body, _ORG_CODE_WEIGHTS, strict=True)) % 11
    org_code = body + ("X" if check == 10 else "0" if check == 11 else str(check))
    first17 = f"91{area}{org_code}"
    return first17 + uscc_check_char(first17)


def brand(rnd: random.Random) -> str:
    n = len(_BRAND_CHARS)
    return _BRAND_CHARS[int(rnd.random() * n)] + _BRAND_CHARS[int(rnd.random() * n)]


def company_name(rnd: random.Random, city: str, brand_name: str, stem: str) -> str:
    kind = "股份有限公司" if rnd.random() < 0.15 else "有限公司"
    return f"{city}{brand_name}{stem}{kind}"
