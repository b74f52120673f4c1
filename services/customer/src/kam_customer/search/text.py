"""Search keys: what a customer is indexed under and how a query is read. Pure functions, no database.

Keys (``kind`` codes stored in ``search_terms.kind``):

======  ==========================================  =====================================================
kind    term                                        example (张伟 / 11010519491231002X / 13812345678)
======  ==========================================  =====================================================
``N``   the name, NFKC-normalised, lowercase         ``张伟``
``P``   full pinyin of the name, no separators       ``zhangwei``
``I``   pinyin initials of the name                  ``zw``
``D``   ID number (居民身份证号码)                   ``11010519491231002X``
``C``   统一社会信用代码 (corporates' ID number)     ``91350100M000100Y43``
``M``   phone number (digits only, no +86)           ``13812345678``
``A``   account number                               ``6222020200001234``
``DT``  reversed ID number, for tail searches        ``X20013219491501011``
``MT``  reversed phone                               ``87654321831``
``AT``  reversed account number                      ``4321000020202226``
======  ==========================================  =====================================================

Polyphonic characters: names are converted with pypinyin's phrase-aware default reading; the first
character of an individual's name (or two, for compound surnames such as 欧阳/尉迟/万俟) also gets its
*surname* reading (单 → shan, 曾 → zeng, 解 → xie, 仇 → qiu …), so both 单伟 → ``shanwei`` and the
everyday reading ``danwei`` find the customer. At most :data:`MAX_READINGS` readings are kept per name.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from pypinyin import Style, lazy_pinyin

NAME, PINYIN, INITIALS = "N", "P", "I"
ID_NUMBER, CREDIT_CODE, PHONE, ACCOUNT = "D", "C", "M", "A"
ID_TAIL, PHONE_TAIL, ACCOUNT_TAIL = "DT", "MT", "AT"
TAIL_OF = {ID_TAIL: ID_NUMBER, PHONE_TAIL: PHONE, ACCOUNT_TAIL: ACCOUNT}

MAX_READINGS = 4
#: Longest value of each number kind: longer queries cannot match it (saves lookups).
MAX_LENGTH = {"D": 18, "C": 18, "M": 11, "A": 32}
#: Shortest digit string searched as a prefix/tail of ID, phone and account numbers.
MIN_DIGITS = 4
#: Shortest pinyin / number query that is also matched with one typo (whole term within edit distance 1).
MIN_FUZZY_PINYIN = 5
MIN_FUZZY_DIGITS = 8

#: Surname readings of polyphonic surnames (姓氏读音), longest first where compound.
SURNAME_READINGS: dict[str, str] = {
    "万俟": "moqi",
    "尉迟": "yuchi",
    "单于": "chanyu",
    "长孙": "zhangsun",
    "澹台": "tantai",
    "令狐": "linghu",
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "查": "zha",
    "盖": "ge",
    "区": "ou",
    "覃": "qin",
    "缪": "miao",
    "翟": "zhai",
    "乐": "yue",
    "员": "yun",
    "种": "chong",
    "秘": "bi",
    "召": "shao",
    "任": "ren",
    "华": "hua",
    "纪": "ji",
    "繁": "po",
    "过": "guo",
    "折": "she",
    "能": "nai",
    "句": "gou",
    "宓": "mi",
    "阚": "kan",
    "郇": "huan",
    "褚": "chu",
    "沈": "shen",
    "石": "shi",
    "薄": "bo",
    "柏": "bai",
    "卜": "bu",
    "藏": "zang",
    "重": "chong",
    "都": "du",
    "葛": "ge",
    "红": "hong",
    "行": "xing",
    "缴": "jiao",
    "隽": "juan",
    "牟": "mou",
    "蕃": "pi",
    "燕": "yan",
    "尉": "yu",
    "洗": "xian",
    "冼": "xian",
    "莘": "shen",
    "应": "ying",
    "臧": "zang",
    "祭": "zhai",
    "参": "can",
    "相": "xiang",
    "率": "shuai",
    "长": "chang",
}

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SEPARATORS = re.compile(r"[\s\-_·.()（）]+")
_LETTERS = re.compile(r"^[a-z]+$")
_DIGITS = re.compile(r"^\d+$")
_CODE = re.compile(r"^[0-9A-Z]+$")


def normalize(text: str) -> str:
    """NFKC (full-width → half-width), trimmed, separators removed, lower case."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text or "")).lower()


def normalize_code(text: str) -> str:
    """An ID number / credit code / account number: NFKC, separators removed, upper case."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text or "")).upper()


def normalize_phone(text: str) -> str:
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", text or ""))
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def readings(name: str, *, individual: bool) -> list[list[str]]:
    """Pinyin syllable lists of a name: the default reading first, then the surname reading if different."""
    return [list(r) for r in _readings(normalize(name), individual)]


@functools.lru_cache(maxsize=65536)
def _readings(name: str, individual: bool) -> tuple[tuple[str, ...], ...]:
    """:func:`readings` of a normalised name, memoised: pypinyin's phrase segmentation is the costliest part of
    indexing, and people's names repeat (a scan indexes tens of thousands of customers)."""
    if not has_cjk(name):
        return ()
    default = [s for s in lazy_pinyin(name, style=Style.NORMAL, errors="ignore") if s]
    result = [default] if default else []
    if individual:
        for surname in (name[:2], name[:1]):
            if surname in SURNAME_READINGS:
                head = [SURNAME_READINGS[surname]] if len(surname) == 1 else _split_compound(surname)
                rest = [
                    s for s in lazy_pinyin(name[len(surname) :], style=Style.NORMAL, errors="ignore") if s
                ]
                variant = head + rest
                if variant not in result:
                    result.append(variant)
                break
    return tuple(tuple(r) for r in result[:MAX_READINGS])


def _split_compound(surname: str) -> list[str]:
    """Syllables of a compound surname reading (``yuchi`` → ``yu``, ``chi``), using pypinyin per character."""
    whole = SURNAME_READINGS[surname]
    first = lazy_pinyin(surname[0], style=Style.NORMAL)[0]
    if whole.startswith(first):
        return [first, whole[len(first) :]]
    for cut in range(1, len(whole)):  # e.g. 万俟 moqi: the per-character default does not apply
        if lazy_pinyin(surname[1], style=Style.NORMAL)[0] == whole[cut:]:
            return [whole[:cut], whole[cut:]]
    return [whole[:2], whole[2:]]


@dataclass(frozen=True)
class IndexedCustomer:
    """What the index needs to know about one customer."""

    display_name: str
    type: str  # INDIVIDUAL | CORPORATE
    id_number: str
    phone: str
    account_numbers: tuple[str, ...] = ()


def terms_for(customer: IndexedCustomer) -> set[tuple[str, str]]:
    """Every (kind, term) a customer is found under."""
    out: set[tuple[str, str]] = set()
    name = normalize(customer.display_name)
    if name:
        out.add((NAME, name[:200]))
    for syllables in readings(customer.display_name, individual=customer.type == "INDIVIDUAL"):
        out.add((PINYIN, "".join(syllables)[:200]))
        out.add((INITIALS, "".join(s[0] for s in syllables)[:200]))
    code = normalize_code(customer.id_number)
    if code:
        kind = CREDIT_CODE if customer.type == "CORPORATE" else ID_NUMBER
        out.add((kind, code))
        if kind == ID_NUMBER:
            out.add((ID_TAIL, code[::-1]))
    phone = normalize_phone(customer.phone)
    if len(phone) >= MIN_DIGITS:
        out.add((PHONE, phone))
        out.add((PHONE_TAIL, phone[::-1]))
    for number in customer.account_numbers:
        number = normalize_code(number)
        if number:
            out.add((ACCOUNT, number))
            out.add((ACCOUNT_TAIL, number[::-1]))
    return out


# ---------------------------------------------------------------------------------------------- queries


@dataclass(frozen=True)
class Probe:
    """One way to look a query up: ``mode`` is EXACT, PREFIX or FUZZY; ``terms`` the term(s) of ``kind``."""

    mode: str
    kind: str
    terms: tuple[str, ...]


EXACT, PREFIX, FUZZY = "EXACT", "PREFIX", "FUZZY"
DIGITS_ALPHABET = "0123456789"
LETTERS_ALPHABET = "abcdefghijklmnopqrstuvwxyz"
CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100 characters (no I, O, S, V, Z)


def edits1(term: str, alphabet: str) -> set[str]:
    """Every string within one edit (substitution, insertion, deletion, adjacent transposition) of ``term``,
    excluding ``term`` itself: the query-side deletion/substitution neighbourhood looked up by equality."""
    splits = [(term[:i], term[i:]) for i in range(len(term) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in alphabet}
    out |= {a + c + b for a, b in splits for c in alphabet}
    out.discard(term)
    return out


def probes(query: str) -> list[Probe]:
    """How to look up a search-box query, best matches first (exact, then prefix, then fuzzy)."""
    text = normalize(query)
    if not text:
        return []
    exact: list[Probe] = []
    prefix: list[Probe] = []
    fuzzy: list[Probe] = []
    if has_cjk(text):
        exact.append(Probe(EXACT, NAME, (text,)))
        prefix.append(Probe(PREFIX, NAME, (text,)))
        # Homophones (张玮 for 张伟): the query's pinyin against the names' full pinyin.
        if _CJK.fullmatch(text[0]) and all(_CJK.match(ch) for ch in text):
            sounds = {"".join(r) for r in readings(text, individual=True)}
            fuzzy.append(Probe(FUZZY, PINYIN, tuple(sorted(sounds))))
        return exact + prefix + fuzzy
    if _LETTERS.match(text):
        exact += [Probe(EXACT, PINYIN, (text,)), Probe(EXACT, INITIALS, (text,))]
        prefix += [Probe(PREFIX, PINYIN, (text,)), Probe(PREFIX, INITIALS, (text,))]
        if len(text) >= MIN_FUZZY_PINYIN:
            fuzzy.append(Probe(FUZZY, PINYIN, tuple(sorted(edits1(text, LETTERS_ALPHABET)))))
    code = normalize_code(query).removeprefix("+")
    if _DIGITS.match(code):
        phone = normalize_phone(code)
        if len(code) >= MIN_DIGITS:
            for kind in (ID_NUMBER, PHONE, ACCOUNT, CREDIT_CODE):
                term = phone if kind == PHONE else code
                if len(term) <= MAX_LENGTH[kind]:
                    exact.append(Probe(EXACT, kind, (term,)))
                    prefix.append(Probe(PREFIX, kind, (term,)))
            for tail in (PHONE_TAIL, ACCOUNT_TAIL, ID_TAIL):
                if len(code) < MAX_LENGTH[TAIL_OF[tail]]:
                    prefix.append(Probe(PREFIX, tail, (code[::-1],)))
        if len(code) >= MIN_FUZZY_DIGITS:
            near = tuple(sorted(edits1(code, DIGITS_ALPHABET)))
            for kind in (ID_NUMBER, PHONE, ACCOUNT):
                if len(code) <= MAX_LENGTH[kind] + 1:
                    fuzzy.append(Probe(FUZZY, kind, near))
    elif _CODE.match(code) and any(ch.isdigit() for ch in code):
        # Mixed letters and digits: an ID number ending in X, a credit code, an account number with letters.
        for kind in (ID_NUMBER, CREDIT_CODE, ACCOUNT):
            exact.append(Probe(EXACT, kind, (code,)))
            prefix.append(Probe(PREFIX, kind, (code,)))
        if len(code) >= MIN_FUZZY_DIGITS:
            near = tuple(sorted(edits1(code, CODE_ALPHABET + "X")))
            for kind in (ID_NUMBER, CREDIT_CODE):
                fuzzy.append(Probe(FUZZY, kind, near))
    return exact + prefix + fuzzy


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix`` (binary / "C" collation)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


#: Characters of each number kind a caller without ``customers.pii.read`` sees at the start and at the end of a
#: masked value (kam_customer.domain.customers: 1101**********002X, 138****5678, 6222********1234).
VISIBLE_HEAD = {ID_NUMBER: 4, CREDIT_CODE: 4, PHONE: 3, ACCOUNT: 4}
VISIBLE_TAIL = 4
NUMBER_KINDS = (ID_NUMBER, CREDIT_CODE, PHONE, ACCOUNT)


def masked_probe(probe: Probe) -> Probe | None:
    """What of ``probe`` a caller who sees personal data masked may run: a masked value is matched only on what
    that caller sees of it (a prefix within the visible head, a tail within the visible tail) or as a whole (the
    full value, which the caller must already know — such lookups are audited); never fuzzily, which would
    uncover hidden digits one at a time. Names: the whole name or its whole pinyin only (an individual's name shows
    only its surname); initials, prefixes and typos are kept for corporates (see :func:`corporates_only`).
    None drops the probe."""
    if probe.mode == FUZZY and probe.kind in NUMBER_KINDS:
        return None
    if probe.mode == PREFIX and probe.kind in VISIBLE_HEAD and len(probe.terms[0]) > VISIBLE_HEAD[probe.kind]:
        return None
    if probe.kind in TAIL_OF and len(probe.terms[0]) > VISIBLE_TAIL:
        return None
    return probe


def corporates_only(probe: Probe) -> bool:
    """Whether a masked caller's ``probe`` may reach corporates only: name matches other than the whole name or
    the whole pinyin (an individual's name is personal data; a company's is public)."""
    return probe.kind in (NAME, PINYIN, INITIALS) and not (
        probe.mode == EXACT and probe.kind in (NAME, PINYIN)
    )


def lookup_kinds(query: str) -> set[str]:
    """The number kinds (ID number, credit code, phone, account) a query is looked up as: such searches are
    audited for every caller, even when they find nothing."""
    return {TAIL_OF.get(p.kind, p.kind) for p in probes(query)} & set(NUMBER_KINDS)
