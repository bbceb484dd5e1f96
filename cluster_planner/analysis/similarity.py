"""Plan-level figures: join counts, the homogeneity index and similar portfolios."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse

from cluster_planner.analysis.results import SIMILARITY_TOLERANCE, SINGLE_THREAD_PRODUCTS


# ---------------------------------------------------------------------- plan-level figures
def join_counts(
    present: np.ndarray, adjacency: scipy.sparse.spmatrix
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Black-black join counts per column and their moments under random placement.

    Parameters
    ----------
    present : numpy.ndarray
        ``(n_regions, n_columns)`` bool: which regions picked each industry.
    adjacency : scipy.sparse matrix
        Symmetric binary contiguity.

    Returns
    -------
    observed, expected, variance : numpy.ndarray
        Per column: the number of neighbouring pairs that both picked it, and its mean
        and variance when the same number of picks is placed at random (non-free
        sampling; Cliff and Ord 1981; the formula of spdep ``joincount.test``).
    """
    x = np.asarray(present, dtype=float)
    n = x.shape[0]
    w = scipy.sparse.csr_matrix(adjacency, dtype=float)
    observed = 0.5 * (x * (w @ x)).sum(axis=0)
    degrees = np.asarray(w.sum(axis=1)).ravel()
    s0 = degrees.sum()  # 2 x number of joins
    s1 = 2.0 * s0
    s2 = float((4.0 * degrees**2).sum())
    k = x.sum(axis=0)
    expected = np.zeros_like(k)
    variance = np.zeros_like(k)
    if n >= 4:
        k2 = k * (k - 1) / (n * (n - 1))
        k3 = k2 * (k - 2) / (n - 2)
        k4 = k3 * (k - 3) / (n - 3)
        expected = s0 * k2 / 2.0
        variance = 0.25 * (s1 * k2 + (s2 - 2 * s1) * k3 + (s0**2 + s1 - s2) * k4) - expected**2
        variance = np.maximum(variance, 0.0)
    return observed, expected, variance


def homogeneity_index(weights: np.ndarray) -> float:
    """Mean pairwise cosine similarity of the non-empty rows (0 with fewer than two)."""
    units = weights.astype(float)
    norms = np.sqrt((units**2).sum(axis=1))
    rows = np.flatnonzero(norms > 0)
    k = len(rows)
    if k < 2:
        return 0.0
    unit = units[rows] / norms[rows, None]
    total = unit.sum(axis=0)
    # The sum over all ordered pairs i != j of u_i . u_j is |sum u|^2 - k.
    return float((total @ total - k) / (k * (k - 1)))


# ---------------------------------------------------------------------- similar portfolios
@dataclass
class _SimilarPairs:
    total: int
    neighbour_total: int
    reported: list[tuple[int, int, float, bool]]
    involved: np.ndarray


class _PortfolioGroups:
    """Regions grouped by identical portfolio, and which groups are similar.

    Grouping keeps the work proportional to the number of distinct portfolios: a
    homogenized county plan has millions of similar pairs but few distinct portfolios.
    Similarities are computed from integer role units (lead 2, support 1), so every
    dot product is exact and the full and incremental paths give identical numbers.
    ``linked`` holds the groups that take part in a similar pair (two or more members,
    or a similar group), so the figures below cost as much as there are similar pairs,
    not as there are portfolios: a varied county plan has thousands of groups but few
    similar ones.
    """

    def __init__(self, n_rows: int, n_industries: int, threshold: float):
        self.threshold = threshold - SIMILARITY_TOLERANCE
        self.key_of: dict[int, bytes] = {}
        self.row_slot = np.full(n_rows, -1)  # each row's group slot, -1 when not grouped
        self.members: dict[bytes, set[int]] = {}
        self.slot_of: dict[bytes, int] = {}
        self.partners: dict[bytes, dict[bytes, float]] = {}
        self.linked: set[bytes] = set()
        self.rows = np.zeros((16, n_industries))
        self.norm_sq = np.zeros(16)
        self.active = np.zeros(16, dtype=bool)
        self.key_at: list[bytes | None] = [None] * 16
        self.free: list[int] = list(range(15, -1, -1))

    @staticmethod
    def similarity(dot: np.ndarray, norm_sq_a: np.ndarray, norm_sq_b: np.ndarray | float) -> np.ndarray:
        return dot / np.sqrt(norm_sq_a * norm_sq_b)

    def build(self, weights: np.ndarray, eligible: np.ndarray) -> None:
        """Group all eligible rows and find every similar pair of groups at once."""
        rows = np.flatnonzero(eligible).tolist()
        slot_of: dict[bytes, int] = {}
        first_rows: list[int] = []
        slots: list[int] = []
        for row in rows:
            key = weights[row].tobytes()
            self.key_of[row] = key
            slot = slot_of.get(key)
            if slot is None:
                slot = slot_of[key] = len(first_rows)
                first_rows.append(row)
                self.members[key] = set()
                self.partners[key] = {}
            self.members[key].add(row)
            slots.append(slot)
        self.row_slot[rows] = slots
        keys = list(slot_of)
        count = len(keys)
        if count == 0:
            return
        capacity = max(16, 2 * count)
        self.rows = np.zeros((capacity, weights.shape[1]))
        unique = self.rows[:count]
        unique[:] = weights[first_rows]
        norm_sq = np.einsum("ij,ij->i", unique, unique)
        self.norm_sq = np.zeros(capacity)
        self.norm_sq[:count] = norm_sq
        self.active = np.zeros(capacity, dtype=bool)
        self.active[:count] = True
        self.key_at = [*keys, *([None] * (capacity - count))]
        self.slot_of = slot_of
        self.free = list(range(capacity - 1, count - 1, -1))
        # Single-precision cosines of unit rows find the candidates fast; the exact
        # integer formula then decides, as it does for one added portfolio.
        unit = unique.astype(np.float32)
        with np.errstate(divide="ignore", invalid="ignore"):  # an empty portfolio is similar to none
            unit /= np.sqrt(norm_sq).astype(np.float32)[:, None]
        # Blocks of rows against the rows from the block on (the upper triangle), in
        # buffers kept for the whole loop: fresh megabyte arrays each block cost more
        # in page faults than the products themselves. Each block is filled tile by
        # tile, every tile one BLAS call small enough to run on the calling thread.
        block = 128
        tile = max(1, SINGLE_THREAD_PRODUCTS // (block * max(1, unit.shape[1])))
        products = np.empty(min(block, count) * count, dtype=np.float32)
        passes = np.empty(len(products), dtype=bool)
        for start in range(0, count, block):
            stop = min(start + block, count)
            shape = (stop - start, count - start)
            approximate = products[: shape[0] * shape[1]].reshape(shape)
            left = unit[start:stop]
            for column in range(start, count, tile):
                end = min(column + tile, count)
                np.matmul(left, unit[column:end].T, out=approximate[:, column - start : end - start])
            # flatnonzero on the flat block is far quicker than a 2-D nonzero.
            passed = passes[: approximate.size]
            np.greater_equal(approximate.ravel(), self.threshold - 1e-4, out=passed)
            a_index, b_index = np.divmod(np.flatnonzero(passed), shape[1])
            a_index = a_index + start
            b_index = b_index + start
            keep = b_index > a_index
            a_index, b_index = a_index[keep], b_index[keep]
            dot = (unique[a_index] * unique[b_index]).sum(axis=1)
            similarity = self.similarity(dot, norm_sq[a_index], norm_sq[b_index])
            similar = similarity >= self.threshold
            for a, b, value in zip(
                a_index[similar].tolist(), b_index[similar].tolist(), similarity[similar].tolist(), strict=True
            ):
                self.partners[keys[a]][keys[b]] = value
                self.partners[keys[b]][keys[a]] = value
        self.linked = {key for key in keys if len(self.members[key]) > 1 or self.partners[key]}

    def _relink(self, key: bytes) -> None:
        if len(self.members[key]) > 1 or self.partners[key]:
            self.linked.add(key)
        else:
            self.linked.discard(key)

    def _new_slot(self, key: bytes, row: np.ndarray) -> int:
        if not self.free:
            old = len(self.active)
            self.rows = np.vstack([self.rows, np.zeros_like(self.rows)])
            self.norm_sq = np.concatenate([self.norm_sq, np.zeros(old)])
            self.active = np.concatenate([self.active, np.zeros(old, dtype=bool)])
            self.key_at.extend([None] * old)
            self.free = list(range(2 * old - 1, old - 1, -1))
        slot = self.free.pop()
        self.rows[slot] = row
        self.norm_sq[slot] = float((row.astype(float) ** 2).sum())
        self.active[slot] = True
        self.key_at[slot] = key
        self.slot_of[key] = slot
        self.members[key] = set()
        self.partners[key] = {}
        return slot

    def remove(self, row: int) -> None:
        key = self.key_of.pop(row, None)
        if key is None:
            return
        self.row_slot[row] = -1
        members = self.members[key]
        members.discard(row)
        if members:
            self._relink(key)
            return
        for other in self.partners.pop(key):
            self.partners[other].pop(key, None)
            self._relink(other)
        del self.members[key]
        self.linked.discard(key)
        slot = self.slot_of.pop(key)
        self.active[slot] = False
        self.key_at[slot] = None
        self.free.append(slot)

    def add(self, row: int, weights_row: np.ndarray) -> None:
        key = weights_row.tobytes()
        self.key_of[row] = key
        if key in self.members:
            self.members[key].add(row)
            self.row_slot[row] = self.slot_of[key]
            self._relink(key)
            return
        # Compare the new portfolio with every existing one before taking a slot, on its
        # few industries only (element-wise: a matrix-vector product would wake BLAS
        # threads, which stall on a busy machine, for a fraction of a millisecond of work).
        slots = np.flatnonzero(self.active)
        taken = np.flatnonzero(weights_row)
        new_units = weights_row[taken].astype(float)
        new_norm_sq = float((new_units**2).sum())
        dot = (self.rows[np.ix_(slots, taken)] * new_units).sum(axis=1)
        similarity = self.similarity(dot, self.norm_sq[slots], new_norm_sq)
        self.row_slot[row] = self._new_slot(key, weights_row)
        self.members[key].add(row)
        for slot, value in zip(slots[similarity >= self.threshold], similarity[similarity >= self.threshold], strict=True):
            other = self.key_at[slot]
            self.partners[key][other] = float(value)
            self.partners[other][key] = float(value)
            self.linked.add(other)
        self._relink(key)

    def pair_similarity(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Similarity of the grouped rows ``a[k]`` and ``b[k]``, NaN where they are not similar.

        The same numbers as computing each pair afresh: two rows of one group have
        similarity exactly 1 (unless their portfolio is empty), and two similar groups
        keep the value computed when they met.
        """
        slot_a, slot_b = self.row_slot[a], self.row_slot[b]
        capacity = len(self.active)
        table: dict[int, float] = {}
        slot_of = self.slot_of
        for key in self.linked:
            base = slot_of[key] * capacity
            for other, value in self.partners[key].items():
                table[base + slot_of[other]] = value
        similarity = np.full(len(a), np.nan)
        similarity[(slot_a == slot_b) & (self.norm_sq[slot_a] > 0)] = 1.0
        if table:
            codes = np.fromiter(table, dtype=np.int64, count=len(table))
            values = np.fromiter(table.values(), dtype=float, count=len(table))
            order = np.argsort(codes)
            codes, values = codes[order], values[order]
            query = slot_a.astype(np.int64) * capacity + slot_b
            at = np.minimum(np.searchsorted(codes, query), len(codes) - 1)
            found = codes[at] == query
            similarity[found] = values[at[found]]
        return similarity

    def total_pairs(self) -> int:
        """Similar pairs of regions: within each group, and across similar groups."""
        within = 0
        across = 0
        members = self.members
        for key in self.linked:
            size = len(members[key])
            within += size * (size - 1) // 2
            across += size * sum(len(members[other]) for other in self.partners[key])
        # Each pair of distinct groups was counted from both sides.
        return within + across // 2

    def involved(self) -> np.ndarray:
        """The rows in any similar pair, in row order."""
        rows: list[int] = []
        for key in self.linked:
            rows.extend(self.members[key])
        return np.array(sorted(rows), dtype=int)

    def levels(self) -> list[tuple[float, dict[bytes, list[bytes]]]]:
        """Similar group pairs by similarity, highest first: (similarity, group -> groups)."""
        by_value: dict[float, dict[bytes, list[bytes]]] = {}
        for key in self.linked:
            if len(self.members[key]) > 1:
                by_value.setdefault(1.0, {}).setdefault(key, []).append(key)
            for other, value in self.partners[key].items():
                by_value.setdefault(value, {}).setdefault(key, []).append(other)
        return sorted(by_value.items(), key=lambda item: -item[0])
