"""Placing map labels without collisions (Qt-free).

Guangzhou and Shenzhen are about 20 px apart at the whole-country view: with every
label to the upper right of its dot, Shenzhen's covered Guangzhou's. :func:`place_labels`
tries a few positions around each point (upper right first, as before) and keeps the
first whose box overlaps no label placed so far and no other point's dot, so labels stay
readable on screen and in exported pictures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: Candidate positions: offset from the point in points, horizontal and vertical alignment.
CANDIDATES: tuple[tuple[float, float, str, str], ...] = (
    (4.0, 3.0, "left", "baseline"),   # upper right: the usual place (matplotlib's default)
    (-4.0, 3.0, "right", "baseline"),  # upper left
    (4.0, -3.0, "left", "top"),     # lower right
    (-4.0, -3.0, "right", "top"),   # lower left
    (6.0, 0.0, "left", "center"),   # right
    (-6.0, 0.0, "right", "center"),  # left
    (0.0, 6.0, "center", "bottom"),  # above
    (0.0, -6.0, "center", "top"),   # below
)


@dataclass(frozen=True)
class Placement:
    """Where a label goes: its offset (points) and alignment, and whether it is clear."""

    dx: float
    dy: float
    ha: str
    va: str
    clear: bool


def _box(x: float, y: float, width: float, height: float, candidate) -> tuple[float, float, float, float]:
    dx, dy, ha, va = candidate
    left = x + dx - {"left": 0.0, "right": width, "center": width / 2}[ha]
    # A baseline leaves the descenders (a fifth of the height) below the anchor.
    bottom = y + dy - {"bottom": 0.0, "baseline": height * 0.2, "top": height, "center": height / 2}[va]
    return left, bottom, left + width, bottom + height


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def text_size(text: str, fontsize: float) -> tuple[float, float]:
    """An estimate of a label's width and height in points (CJK characters are square)."""
    wide = sum(1 for ch in text if ord(ch) > 0x2E80)
    return (wide * 1.0 + (len(text) - wide) * 0.58) * fontsize + 2.0, fontsize * 1.25


def place_labels(
    points: Sequence[tuple[float, float]], sizes: Sequence[tuple[float, float]], dot: float = 3.0
) -> list[Placement]:
    """A placement per label at ``points`` (in points, any origin) of ``sizes`` (points).

    ``dot`` is the radius of each point's marker, which no other label may cover. Labels
    are placed top to bottom, then left to right; one with no clear position keeps the
    usual one (``clear`` False).
    """
    dots = [(x - dot, y - dot, x + dot, y + dot) for x, y in points]
    placed: list[tuple[float, float, float, float]] = []
    result: list[Placement | None] = [None] * len(points)
    order = sorted(range(len(points)), key=lambda i: (-points[i][1], points[i][0]))
    for i in order:
        x, y = points[i]
        width, height = sizes[i]
        chosen = None
        for candidate in CANDIDATES:
            box = _box(x, y, width, height, candidate)
            if any(_overlaps(box, other) for other in placed):
                continue
            if any(_overlaps(box, d) for j, d in enumerate(dots) if j != i):
                continue
            chosen = (candidate, box, True)
            break
        if chosen is None:
            chosen = (CANDIDATES[0], _box(x, y, width, height, CANDIDATES[0]), False)
        (dx, dy, ha, va), box, clear = chosen
        placed.append(box)
        result[i] = Placement(dx, dy, ha, va, clear)
    return [p for p in result if p is not None]
