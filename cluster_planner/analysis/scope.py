"""The scope of a plan: the regions it covers, within which crowding is judged too.

A draft for one province's cities, or for one of the four economic regions (the East,
the Centre, the West, the Northeast; National Bureau of Statistics 2011), is judged
against the regions it covers as well as against the nation: twenty-one Guangdong
cities all taking new energy vehicles are crowded within Guangdong even though 21 is
under the national cap.

The ``scope`` setting is ``auto`` (the default), ``national``, a province code
(``440000``) or a macro-region id (``west``). ``auto`` takes the provinces the plan's
assignments lie in: one province (below province level) is a province scope; provinces
all within one macro-region (at least two of them at province level) are that
macro-region; anything wider is national.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from cluster_planner.domain.errors import DataError
from cluster_planner.domain.paths import data_dir

MACRO_FILE = ("catalog", "macro_regions.json")


@dataclass(frozen=True)
class MacroRegion:
    id: str
    name_zh: str
    name_en: str
    provinces: tuple[str, ...]


@dataclass(frozen=True)
class Scope:
    """Where a plan's crowding is judged besides the nation.

    ``rows`` is a boolean mask of the layer's regions in scope, or ``None`` for a
    national scope (then only the national caps apply).
    """

    kind: str  # national, province or macro
    id: str
    name_en: str
    name_zh: str
    rows: np.ndarray | None

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.id)

    @property
    def national(self) -> bool:
        return self.rows is None

    @property
    def size(self) -> int:
        return 0 if self.rows is None else int(self.rows.sum())

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "name": self.name_en, "name_zh": self.name_zh,
                "regions": self.size}


NATIONAL = Scope("national", "", "the nation", "全国", None)


def macro_regions_path() -> Path:
    return data_dir().joinpath(*MACRO_FILE)


@lru_cache(maxsize=4)
def _read_macro_regions(path: str) -> tuple[MacroRegion, ...]:
    try:
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
        return tuple(
            MacroRegion(str(m["id"]), str(m["name_zh"]), str(m["name_en"]), tuple(map(str, m["provinces"])))
            for m in payload["macro_regions"]
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise DataError(path, f"cannot read the macro-regions: {error}") from None


def load_macro_regions() -> tuple[MacroRegion, ...]:
    """The four economic regions of the NBS division (``data/catalog/macro_regions.json``)."""
    return _read_macro_regions(str(macro_regions_path()))


def province_of(code: str) -> str:
    return code[:2] + "0000"


def plan_scope(
    codes: np.ndarray,
    level: str,
    assigned: np.ndarray,
    setting: str,
    province_names: Mapping[str, tuple[str, str]] | None = None,
) -> Scope:
    """The scope of a plan on a layer (see :func:`_plan_scope`); one that covers the
    whole layer is national."""
    scope = _plan_scope(codes, level, assigned, setting, province_names)
    if scope.rows is not None and scope.rows.all():
        return NATIONAL
    return scope


def _plan_scope(
    codes: np.ndarray,
    level: str,
    assigned: np.ndarray,
    setting: str,
    province_names: Mapping[str, tuple[str, str]] | None = None,
) -> Scope:
    """The scope of a plan on a layer.

    Parameters
    ----------
    codes : numpy.ndarray
        The layer's adcodes.
    level : str
        The layer's level.
    assigned : numpy.ndarray
        Boolean per region: whether it has an assignment.
    setting : str
        The ``scope`` setting (see the module docstring).
    province_names : dict, optional
        Province code to ``(name_zh, name_en)``, for the scope's name.

    Raises
    ------
    ValueError
        The setting names no province or macro-region.
    """
    provinces = np.asarray(codes).astype("<U2")  # the first two digits: the province
    names = {} if province_names is None else province_names  # read only when a name is needed
    macros = load_macro_regions()
    if setting == "national":
        return NATIONAL
    if setting != "auto":
        if len(setting) == 6 and setting.isdigit():
            rows = provinces == setting[:2]
            if not rows.any():
                raise ValueError(f"scope {setting!r} is no province of the {level} layer")
            zh, en = names.get(setting, (setting, setting))
            return Scope("province", setting, en, zh, rows)
        macro = next((m for m in macros if m.id == setting), None)
        if macro is None:
            raise ValueError(
                f"scope {setting!r} is neither auto, national, a province code nor one of "
                f"{', '.join(m.id for m in macros)}"
            )
        return _macro_scope(macro, provinces)
    touched = sorted(set(provinces[assigned].tolist()))
    if not touched:
        return NATIONAL
    if level != "province" and len(touched) == 1:
        code = touched[0] + "0000"
        zh, en = names.get(code, (code, code))
        return Scope("province", code, en, zh, provinces == touched[0])
    if level == "province" and len(touched) < 2:
        return NATIONAL
    for macro in macros:
        members = {p[:2] for p in macro.provinces}
        if set(touched) <= members:
            return _macro_scope(macro, provinces)
    return NATIONAL


def _macro_scope(macro: MacroRegion, provinces: np.ndarray) -> Scope:
    rows = np.isin(provinces, [p[:2] for p in macro.provinces])
    return Scope("macro", macro.id, macro.name_en, macro.name_zh, rows)
