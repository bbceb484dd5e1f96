"""The industry catalog and the vocabulary of local conditions.

The catalog (``data/catalog/industries.json``) lists the industries a plan can assign,
each with a stable id, Chinese and English names, a pillar, the local conditions it
``needs`` (condition ids from ``data/catalog/conditions.json``) and its ``upstream``
value-chain inputs (industry ids). ``data/catalog/SOURCES.md`` says where each entry
comes from and what ``needs`` means for fit.

Both files are validated on loading: an unknown pillar, a duplicate id, or a ``needs``
or ``upstream`` entry naming an id that does not exist raises :class:`DataError` with a
one-line message naming the file and the id.

Search matches pinyin. Each catalog entry stores the pinyin of its Chinese texts (name
and Chinese keywords) in ``pinyin``, written by ``data/catalog/build_pinyin.py``, so
loading the catalog does not import ``pypinyin`` (its dictionaries cost about a quarter
of a second and 50 MB at start-up). A text the file has no pinyin for (a hand-written
catalog, an :class:`Industry` built in code) gets it from ``pypinyin`` when needed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from cluster_planner.domain.errors import DataError
from cluster_planner.domain.paths import data_dir

PILLARS = ("traditional", "emerging", "future", "service", "infrastructure")
PILLAR_NAMES = {
    "traditional": ("传统产业", "Traditional industries"),
    "emerging": ("新兴产业", "Emerging industries"),
    "future": ("未来产业", "Future industries"),
    "service": ("服务业", "Services"),
    "infrastructure": ("基础设施", "Infrastructure"),
}
CONDITION_CATEGORIES = ("resource", "location", "industrial-base", "research", "infrastructure")
# The condition whose facts name an industry (in the fact's detail) already in the base.
BASE_CONDITION = "base"
# The condition whose facts name an industry (in the detail) whose research field a
# national (key) laboratory in the region covers.
FIELD_LAB_CONDITION = "field-lab"
#: The segments of a value chain a region can take part in, with their names.
SEGMENTS = {
    "resources": ("资源开采", "raw resources"),
    "materials": ("材料", "materials"),
    "components": ("零部件与器件", "components"),
    "assembly": ("整机与系统集成", "assembly and systems"),
    "rnd": ("研发设计", "R&D and design"),
    "services": ("服务", "services"),
    "operation": ("运营", "operation"),
}
#: A need that names another industry's base: ``base:automobiles``.
BASE_PREFIX = "base:"

CATALOG_FORMAT = "cluster-planner-catalog"
CONDITIONS_FORMAT = "cluster-planner-conditions"
_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def pinyin_of(text: str) -> tuple[str, str]:
    """Full pinyin and initials of ``text``, folded for search (``"新能源汽车"`` gives
    ``("xinnengyuanqiche", "xnyqc")``; letters and digits are kept as they are).

    Computed with ``pypinyin``, imported here only: the bundled catalog stores these
    values (``data/catalog/build_pinyin.py``), so the app never needs it at start-up.
    """
    if not _HAN.search(text):
        return _fold(text), _fold(text)
    from pypinyin import Style, lazy_pinyin

    full = "".join(lazy_pinyin(text, errors="default"))
    initials = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default"))
    return _fold(full), _fold(initials)


def chinese_texts(name_zh: str, keywords: tuple[str, ...] | list[str]) -> list[str]:
    """The texts of an industry that search matches by pinyin: its Chinese name and its
    keywords written in Chinese, in that order (what an entry's ``pinyin`` covers)."""
    return [name_zh] + [keyword for keyword in keywords if _HAN.search(keyword)]


def _words(text: str) -> str:
    """Lower case with punctuation turned into single spaces, for matching inside words."""
    return " ".join(re.sub(r"[\s\-_'’.,/()（）]+", " ", text.casefold()).split())


def _fold(text: str) -> str:
    """Lower case with spaces, hyphens and punctuation removed, for loose matching."""
    return re.sub(r"[\s\-_'’.,/()（）]+", "", text.casefold())


@dataclass(frozen=True)
class ConditionType:
    """One kind of local condition, e.g. ``sea-port`` or ``rare-earth-deposit``."""

    id: str
    name_zh: str
    name_en: str
    category: str
    description: str = ""
    # What a fact's ``detail`` holds for this condition: "industry" (an industry id) or "".
    detail: str = ""


@dataclass(frozen=True)
class Segment:
    """One segment of an industry's chain and what a region needs to take part in it.

    ``needs`` is a tuple of groups; a group is a tuple of alternatives, any one of which
    meets it: ``(("iron-ore", "coal", "sea-port"),)`` reads "iron ore or coal or a
    port". An alternative is a condition id, ``field-lab`` (a laboratory in this
    industry's field) or ``base:<industry id>`` (another industry already in the base).

    A catalog segment needs every one of its groups (``all_needed``): a region takes
    part in a segment only where it meets them all. The segment an industry built from
    a plain ``needs`` list gets counts each need met as a share instead.
    """

    id: str
    needs: tuple[tuple[str, ...], ...]
    all_needed: bool = True

    @property
    def name_en(self) -> str:
        return SEGMENTS[self.id][1] if self.id in SEGMENTS else self.id

    @property
    def name_zh(self) -> str:
        return SEGMENTS[self.id][0] if self.id in SEGMENTS else self.id

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "needs": [list(group) for group in self.needs]}


@dataclass(frozen=True)
class Industry:
    """One industry of the catalog.

    ``pinyin`` and ``pinyin_initials`` are the pinyin of ``name_zh`` (e.g.
    ``xinnengyuanqiche`` and ``xnyqc``) and ``keyword_pinyin`` that of each keyword
    written in Chinese, in order, as ``(full, initials)`` pairs; all for search. The
    catalog file supplies them; left out, they are computed from the texts.
    """

    id: str
    name_zh: str
    name_en: str
    pillar: str
    needs: tuple[str, ...] = ()
    upstream: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    pinyin: str = field(default="", compare=False)
    pinyin_initials: str = field(default="", compare=False)
    keyword_pinyin: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    #: The chain's segments; an industry built without them has one segment whose
    #: groups are its needs, one need each.
    segments: tuple[Segment, ...] = ()

    def __post_init__(self) -> None:
        if not self.segments:
            object.__setattr__(self, "segments", (Segment("whole", tuple((need,) for need in self.needs), all_needed=False),))
        if not self.pinyin or not self.pinyin_initials:
            full, initials = pinyin_of(self.name_zh)
            object.__setattr__(self, "pinyin", full)
            object.__setattr__(self, "pinyin_initials", initials)
        chinese_keywords = chinese_texts(self.name_zh, self.keywords)[1:]
        if len(self.keyword_pinyin) != len(chinese_keywords):
            object.__setattr__(
                self, "keyword_pinyin", tuple(pinyin_of(keyword) for keyword in chinese_keywords)
            )

    def to_dict(self) -> dict[str, Any]:
        """The industry as the ``catalog --format json`` command prints it."""
        return {
            "id": self.id,
            "name_en": self.name_en,
            "name_zh": self.name_zh,
            "pillar": self.pillar,
            "needs": list(self.needs),
            "segments": [segment.to_dict() for segment in self.segments],
            "upstream": list(self.upstream),
            "keywords": list(self.keywords),
            "sources": list(self.sources),
        }


class Catalog:
    """The industries, in file order, with lookups by id and a search."""

    def __init__(self, industries: list[Industry] | tuple[Industry, ...], path: Path | None = None):
        self.industries: tuple[Industry, ...] = tuple(industries)
        self.path = path
        self.by_id: dict[str, Industry] = {industry.id: industry for industry in self.industries}
        self.ids: tuple[str, ...] = tuple(industry.id for industry in self.industries)
        self.index_of: dict[str, int] = {industry_id: i for i, industry_id in enumerate(self.ids)}
        self._search_terms = [self._terms(industry) for industry in self.industries]

    def __len__(self) -> int:
        return len(self.industries)

    def __iter__(self) -> Iterator[Industry]:
        return iter(self.industries)

    def __contains__(self, industry_id: object) -> bool:
        return industry_id in self.by_id

    def __getitem__(self, industry_id: str) -> Industry:
        return self.by_id[industry_id]

    def by_pillar(self) -> dict[str, list[Industry]]:
        """Industries grouped by pillar, pillars in :data:`PILLARS` order (all five keys)."""
        groups: dict[str, list[Industry]] = {pillar: [] for pillar in PILLARS}
        for industry in self.industries:
            groups[industry.pillar].append(industry)
        return groups

    def downstream(self, industry_id: str) -> list[Industry]:
        """Industries that list ``industry_id`` among their upstream inputs."""
        return [industry for industry in self.industries if industry_id in industry.upstream]

    @staticmethod
    def _terms(industry: Industry) -> dict[str, list[str]]:
        """Folded search terms of one industry, by kind."""
        keyword_pinyin = [spelling for pair in industry.keyword_pinyin for spelling in pair]
        names = [_fold(industry.id), _fold(industry.name_en), _fold(industry.name_zh)]
        pinyin = [industry.pinyin, industry.pinyin_initials]
        keywords = [_fold(keyword) for keyword in industry.keywords]
        return {
            "exact": names + pinyin + keywords + keyword_pinyin,
            "name_prefix": names + pinyin,
            "keyword_prefix": keywords + keyword_pinyin,
            "text": [_words(term) for term in (industry.id, industry.name_en, industry.name_zh)]
            + [_words(keyword) for keyword in industry.keywords],
            "pinyin": [industry.pinyin] + keyword_pinyin[::2],
        }

    def search(self, text: str) -> list[Industry]:
        """Industries matching ``text``: Chinese, English (any case), pinyin or initials.

        Matches, best first: an exact id, name, keyword or pinyin; a name (or its
        pinyin or initials) starting with the text; a keyword starting with it; a name
        or keyword containing it (at least two Chinese characters or three letters;
        inside pinyin, at least four letters). Ties keep catalog order. An empty text
        returns every industry.

        Examples: ``"新能源汽车"``, ``"new energy vehicles"``, ``"xinnengyuan"``, ``"xny"``
        and ``"NEV"`` all find ``new-energy-vehicles``.
        """
        query = _fold(text or "")
        if not query:
            return list(self.industries)
        query_words = _words(text)
        is_han = bool(_HAN.search(query))
        substring_ok = len(query) >= (2 if is_han else 3)
        pinyin_substring_ok = not is_han and len(query) >= 4
        ranked: list[tuple[int, int]] = []
        for position, terms in enumerate(self._search_terms):
            if query in terms["exact"]:
                rank = 0
            elif any(term.startswith(query) for term in terms["name_prefix"]):
                rank = 1
            elif any(term.startswith(query) for term in terms["keyword_prefix"]):
                rank = 2
            elif substring_ok and any(query_words in term for term in terms["text"]):
                rank = 3
            elif pinyin_substring_ok and any(query in term for term in terms["pinyin"]):
                rank = 4
            else:
                continue
            ranked.append((rank, position))
        return [self.industries[position] for _, position in sorted(ranked)]


# -- loading -------------------------------------------------------------------------


def default_catalog_path() -> Path:
    return data_dir() / "catalog" / "industries.json"


def default_conditions_path() -> Path:
    return data_dir() / "catalog" / "conditions.json"


def _read_json(path: Path, expected_format: str) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(path, "file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise DataError(path, f"cannot read the file ({error})") from None
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as error:
        raise DataError(path, f"not valid JSON (line {error.lineno}: {error.msg})") from None
    if not isinstance(payload, dict):
        raise DataError(path, "expected a JSON object at the top level")
    found = payload.get("format")
    if found is not None and found != expected_format:
        raise DataError(path, f"format is {found!r}, expected {expected_format!r}")
    version = payload.get("version", 1)
    if version != 1:
        raise DataError(path, f"version {version!r} is not supported (this app reads version 1)")
    return payload


def _string(path: Path, entry: dict[str, Any], key: str, what: str, required: bool = True) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise DataError(path, f"{what} needs a non-empty text {key!r}")
    return value.strip()


def _string_list(path: Path, entry: dict[str, Any], key: str, what: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise DataError(path, f"{what}: {key!r} must be a list of texts")
    return tuple(item.strip() for item in value)


def _entries(path: Path, payload: dict[str, Any], key: str) -> list[dict[str, Any]]:
    entries = payload.get(key)
    if not isinstance(entries, list) or not entries:
        raise DataError(path, f"expected a non-empty list {key!r}")
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise DataError(path, f"entry {number} of {key!r} is not an object")
    return entries


def _checked_id(path: Path, entry: dict[str, Any], number: int, kind: str, seen: set[str]) -> str:
    entry_id = entry.get("id")
    if not isinstance(entry_id, str) or not _ID_PATTERN.match(entry_id):
        raise DataError(
            path, f"{kind} {number} has id {entry_id!r}; ids are lower-case slugs like 'sea-port'"
        )
    if entry_id in seen:
        raise DataError(path, f"duplicate {kind} id {entry_id!r}")
    seen.add(entry_id)
    return entry_id


def read_condition_types(path: str | Path) -> dict[str, ConditionType]:
    """Read and validate a condition vocabulary file (no cache)."""
    path = Path(path)
    payload = _read_json(path, CONDITIONS_FORMAT)
    types: dict[str, ConditionType] = {}
    seen: set[str] = set()
    for number, entry in enumerate(_entries(path, payload, "conditions"), start=1):
        condition_id = _checked_id(path, entry, number, "condition", seen)
        what = f"condition {condition_id!r}"
        category = entry.get("category")
        if category not in CONDITION_CATEGORIES:
            raise DataError(
                path,
                f"{what} has unknown category {category!r} (expected one of {', '.join(CONDITION_CATEGORIES)})",
            )
        detail = entry.get("detail", "")
        if detail not in ("", "industry"):
            raise DataError(path, f"{what} has unknown detail kind {detail!r}")
        types[condition_id] = ConditionType(
            id=condition_id,
            name_zh=_string(path, entry, "name_zh", what),
            name_en=_string(path, entry, "name_en", what),
            category=category,
            description=_string(path, entry, "description", what, required=False),
            detail=detail,
        )
    return types


def read_catalog(path: str | Path, conditions: dict[str, ConditionType]) -> Catalog:
    """Read and validate a catalog file against a condition vocabulary (no cache)."""
    path = Path(path)
    payload = _read_json(path, CATALOG_FORMAT)
    entries = _entries(path, payload, "industries")
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        _checked_id(path, entry, number, "industry", seen)
    industries: list[Industry] = []
    for entry in entries:
        industry_id = entry["id"]
        what = f"industry {industry_id!r}"
        pillar = entry.get("pillar")
        if pillar not in PILLARS:
            raise DataError(
                path, f"{what} has unknown pillar {pillar!r} (expected one of {', '.join(PILLARS)})"
            )
        segments = _segments(path, entry, what, conditions)
        needs = _string_list(path, entry, "needs", what)
        if segments and not needs:
            needs = tuple(dict.fromkeys(
                alt for segment in segments for group in segment.needs for alt in group
                if alt in conditions and alt != FIELD_LAB_CONDITION
            ))
        if not needs:
            raise DataError(path, f"{what} needs at least one condition in 'needs'")
        for condition_id in needs:
            if condition_id not in conditions:
                raise DataError(path, f"{what} needs unknown condition {condition_id!r}")
            if condition_id == BASE_CONDITION:
                raise DataError(
                    path, f"{what} lists 'base' in needs; an industry's own base always counts"
                )
        upstream = _string_list(path, entry, "upstream", what)
        for upstream_id in upstream:
            if upstream_id not in seen:
                raise DataError(path, f"{what} has unknown upstream industry {upstream_id!r}")
            if upstream_id == industry_id:
                raise DataError(path, f"{what} lists itself as upstream")
        name_zh = _string(path, entry, "name_zh", what)
        keywords = _string_list(path, entry, "keywords", what)
        stored = _stored_pinyin(path, entry, what)
        spellings = [
            stored.get(text) or pinyin_of(text) for text in chinese_texts(name_zh, keywords)
        ]
        industries.append(
            Industry(
                id=industry_id,
                name_zh=name_zh,
                name_en=_string(path, entry, "name_en", what),
                pillar=pillar,
                needs=needs,
                upstream=upstream,
                keywords=keywords,
                sources=_string_list(path, entry, "sources", what),
                pinyin=spellings[0][0],
                pinyin_initials=spellings[0][1],
                keyword_pinyin=tuple(spellings[1:]),
                segments=segments,
            )
        )
    ids = {industry.id for industry in industries}
    for industry in industries:
        for segment in industry.segments:
            for group in segment.needs:
                for alt in group:
                    if alt.startswith(BASE_PREFIX) and alt[len(BASE_PREFIX):] not in ids:
                        raise DataError(path, f"industry {industry.id!r} needs the base of unknown industry {alt!r}")
    _reject_upstream_cycles(path, industries)
    return Catalog(industries, path)


def _segments(
    path: Path, entry: dict[str, Any], what: str, conditions: dict[str, ConditionType]
) -> tuple[Segment, ...]:
    """The ``segments`` of a catalog entry, validated (empty when it has none)."""
    raw = entry.get("segments", [])
    if not isinstance(raw, list):
        raise DataError(path, f"{what} has 'segments' that is not a list")
    segments = []
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or item.get("id") not in SEGMENTS:
            raise DataError(
                path, f"{what} segment {number} needs an 'id' from {', '.join(SEGMENTS)}"
            )
        groups = item.get("needs")
        if not isinstance(groups, list) or not groups or not all(
            isinstance(group, list) and group and all(isinstance(alt, str) for alt in group)
            for group in groups
        ):
            raise DataError(path, f"{what} segment {item['id']!r} needs a non-empty list of alternatives lists")
        for group in groups:
            for alt in group:
                if alt.startswith(BASE_PREFIX):
                    continue
                if alt not in conditions or alt == BASE_CONDITION:
                    raise DataError(path, f"{what} segment {item['id']!r} needs unknown condition {alt!r}")
        segments.append(Segment(item["id"], tuple(tuple(group) for group in groups)))
    return tuple(segments)


def _stored_pinyin(path: Path, entry: dict[str, Any], what: str) -> dict[str, tuple[str, str]]:
    """An entry's ``pinyin``: each Chinese text mapped to ``[full, initials]`` (may be absent)."""
    value = entry.get("pinyin", {})
    if not isinstance(value, dict) or not all(
        isinstance(spellings, list)
        and len(spellings) == 2
        and all(isinstance(spelling, str) and spelling for spelling in spellings)
        for spellings in value.values()
    ):
        raise DataError(
            path, f"{what}: 'pinyin' must map each Chinese text to [full pinyin, initials]"
        )
    return {text.strip(): (spellings[0], spellings[1]) for text, spellings in value.items()}


def _reject_upstream_cycles(path: Path, industries: list[Industry]) -> None:
    """Value chains must run one way: a cycle would make chain walks endless."""
    upstream = {industry.id: industry.upstream for industry in industries}
    state: dict[str, int] = {}  # 1 on the current walk, 2 finished

    def visit(industry_id: str, trail: list[str]) -> None:
        state[industry_id] = 1
        for parent in upstream[industry_id]:
            if state.get(parent) == 1:
                cycle = " <- ".join(trail[trail.index(parent) :] + [industry_id, parent])
                raise DataError(path, f"upstream links form a cycle: {cycle}")
            if parent not in state:
                visit(parent, trail + [industry_id])
        state[industry_id] = 2

    for industry in industries:
        if industry.id not in state:
            visit(industry.id, [])


@lru_cache(maxsize=8)
def _cached_condition_types(path: Path) -> dict[str, ConditionType]:
    return read_condition_types(path)


@lru_cache(maxsize=8)
def _cached_catalog(path: Path, conditions_path: Path) -> Catalog:
    return read_catalog(path, dict(_cached_condition_types(conditions_path)))


def load_condition_types(path: str | Path | None = None) -> dict[str, ConditionType]:
    """The condition vocabulary, keyed by id in file order (cached per file).

    Raises
    ------
    DataError
        If the file is missing or invalid; the message names the file and the entry.
    """
    resolved = Path(path).resolve() if path is not None else default_conditions_path().resolve()
    return dict(_cached_condition_types(resolved))


def load_catalog(
    path: str | Path | None = None, conditions_path: str | Path | None = None
) -> Catalog:
    """The industry catalog (cached per file).

    Parameters
    ----------
    path
        A catalog JSON file; the bundled ``data/catalog/industries.json`` by default.
    conditions_path
        The condition vocabulary its ``needs`` refer to; by default ``conditions.json``
        beside the catalog if there is one, else the bundled vocabulary.

    Raises
    ------
    DataError
        On an unknown pillar, a duplicate id, ``needs`` or ``upstream`` naming an
        unknown id, or an unreadable file; the message names the file and the id.
    """
    catalog_path = Path(path).resolve() if path is not None else default_catalog_path().resolve()
    if conditions_path is None:
        sibling = catalog_path.parent / "conditions.json"
        conditions_path = sibling if sibling.exists() else default_conditions_path()
    return _cached_catalog(catalog_path, Path(conditions_path).resolve())
