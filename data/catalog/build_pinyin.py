"""Write the pinyin of every Chinese text into ``industries.json``, for search.

Catalog search matches pinyin and initials (``xinnengyuan``, ``xny``). Computing them
needs ``pypinyin``, whose dictionaries take about a quarter of a second and 50 MB to
load, so the app reads them from the catalog instead: each entry gets a line

    "pinyin": {"新能源汽车": ["xinnengyuanqiche", "xnyqc"], "新能源车": [...], ...},

mapping its Chinese name and each keyword written in Chinese to its full pinyin and its
initials, folded as search compares them (``cluster_planner.domain.catalog.pinyin_of``).
The rest of the file is kept as it is, line for line. Run it after changing a name or a
keyword, from the repository root::

    python data/catalog/build_pinyin.py            # rewrite the file
    python data/catalog/build_pinyin.py --check    # exit 1 if the stored pinyin is stale

``tests/test_catalog_pinyin.py`` fails while the stored pinyin is stale.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parents[1]
if str(PROJECT_ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(PROJECT_ROOT))

from cluster_planner.domain.catalog import chinese_texts, pinyin_of  # noqa: E402

CATALOG = HERE / "industries.json"
# Each entry is laid out over lines starting with these (see industries.json).
_ENTRY_START = '    {"id": '
_PINYIN_LINE = '     "pinyin": '
_SOURCES_LINE = '     "sources": '
_SOURCE_NOTE_LINE = '  "pinyin_source": '
SOURCE_NOTE = "each entry's pinyin is written by data/catalog/build_pinyin.py (pypinyin)"


def entry_pinyin(entry: dict) -> dict[str, list[str]]:
    """The ``pinyin`` value of one catalog entry: Chinese text -> [full, initials]."""
    keywords = [keyword.strip() for keyword in entry.get("keywords", [])]
    return {
        text: list(pinyin_of(text)) for text in chinese_texts(entry["name_zh"].strip(), keywords)
    }


def built_text(text: str) -> str:
    """``text`` (the catalog file) with every entry's ``pinyin`` line written afresh.

    Raises
    ------
    ValueError
        If the file is not laid out one entry per ``{"id": ...`` line with one
        ``"sources"`` line each, or the result does not read back as the same catalog
        plus the pinyin.
    """
    payload = json.loads(text)
    entries = payload["industries"]
    lines = [
        line
        for line in text.splitlines(keepends=True)
        if not line.startswith((_PINYIN_LINE, _SOURCE_NOTE_LINE))
    ]
    if sum(line.startswith(_ENTRY_START) for line in lines) != len(entries) or sum(
        line.startswith(_SOURCES_LINE) for line in lines
    ) != len(entries):
        raise ValueError("expected one '{\"id\": ...' line and one '\"sources\"' line per industry")
    built: list[str] = []
    position = 0
    for line in lines:
        if line.startswith('  "version": '):
            built.append(line)
            built.append(f"{_SOURCE_NOTE_LINE}{json.dumps(SOURCE_NOTE)},\n")
            continue
        if line.startswith(_SOURCES_LINE):
            spellings = json.dumps(entry_pinyin(entries[position]), ensure_ascii=False)
            built.append(f"{_PINYIN_LINE}{spellings},\n")
            position += 1
        built.append(line)
    result = "".join(built)
    expected = dict(payload, pinyin_source=SOURCE_NOTE)
    expected["industries"] = [dict(entry, pinyin=entry_pinyin(entry)) for entry in entries]
    if json.loads(result) != expected:
        raise ValueError("the rewritten catalog does not read back as the same catalog")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="only report whether the pinyin is stale"
    )
    parser.add_argument("--catalog", type=Path, default=CATALOG, help="the catalog file")
    args = parser.parse_args(argv)
    text = args.catalog.read_text(encoding="utf-8")
    new_text = built_text(text)
    if new_text == text:
        print(f"{args.catalog}: pinyin up to date")
        return 0
    if args.check:
        print(f"{args.catalog}: pinyin is stale; run python data/catalog/build_pinyin.py")
        return 1
    args.catalog.write_text(new_text, encoding="utf-8")
    print(
        f"{args.catalog}: pinyin written for {len(json.loads(new_text)['industries'])} industries"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
