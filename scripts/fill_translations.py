"""Fill unfinished entries of the Chinese ``.ts`` from a small JSON table of translations.

``python scripts/fill_translations.py TABLE.json`` sets the translation of every
unfinished message whose source text is a key of the table (the rest of the file is
left byte for byte), then ``python scripts/build_translations.py --check`` compiles the
``.qm``. Sources the table does not know stay unfinished (the i18n test names them).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from xml.sax.saxutils import escape, unescape

TS_FILE = Path(__file__).resolve().parents[1] / "resources" / "translations" / "cluster_planner_zh_CN.ts"
_UNFINISHED = re.compile(
    r"(<source>(?P<source>[^<]*)</source>\s*(?:<comment>[^<]*</comment>\s*)?)<translation type=\"unfinished\">(?P<forms>\s*<numerusform>[^<]*</numerusform>\s*|[^<]*)</translation>",
    re.DOTALL,
)


def fill(table: dict[str, str], ts_file: Path = TS_FILE) -> int:
    text = ts_file.read_text(encoding="utf-8")
    filled = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal filled
        source = unescape(match.group("source"), {"&quot;": '"', "&apos;": "'"})
        if source not in table:
            return match.group(0)
        filled += 1
        if "<numerusform>" in match.group("forms"):  # Chinese has one plural form
            return f"{match.group(1)}<translation><numerusform>{escape(table[source])}</numerusform></translation>"
        return f"{match.group(1)}<translation>{escape(table[source])}</translation>"

    ts_file.write_text(_UNFINISHED.sub(replace, text), encoding="utf-8")
    return filled


if __name__ == "__main__":
    table = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    print(f"fill_translations: {fill(table)} filled")
