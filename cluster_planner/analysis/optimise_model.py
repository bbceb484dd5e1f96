"""The mixed-integer program behind :func:`cluster_planner.analysis.optimise.propose`:
one draft's candidates (region, industry, segment, role), its columns and rows, the
HiGHS solve (the LP relaxation first, the full MIP with progress and Cancel after) and the
solution read back as changes with their reasons; the settings and result types are in
:mod:`cluster_planner.analysis.optimise_types`."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse

from cluster_planner.analysis.engine import Analyzer
from cluster_planner.analysis.fit import MAX_GROUPS, AnalysisContext
from cluster_planner.analysis.optimise_types import (
    _SEGMENT_NOTE,
    LEAD_PENALTY,
    PENALTY,
    PRESOLVE_COLUMNS,
    ROLE_NAME,
    OptimiseSettings,
    Progress,
    ProposedChange,
    SettingsConflict,
)
from cluster_planner.analysis.rules import _needs_reason
from cluster_planner.domain.catalog import SEGMENTS
from cluster_planner.domain.plan import Assignment, Batch, Plan, Put


class _Model:
    """The MIP of one draft: candidates, columns, rows, and reading a solution back."""

    def __init__(self, plan: Plan, context: AnalysisContext, settings: OptimiseSettings):
        self.plan, self.ctx, self.settings = plan, context, settings
        self.messages: list[str] = []
        self.draft_analysis_engine = Analyzer(context, plan)
        self.draft_analysis = self.draft_analysis_engine.analysis
        engine = self.draft_analysis_engine
        self.threshold = engine.settings.fit_threshold
        self.weights = engine.weights.copy()
        self.scope = engine.scope
        n, m = context.n_regions, context.n_industries
        self.scope_rows = np.ones(n, dtype=bool) if self.scope.rows is None else self.scope.rows.copy()
        self.caps = engine.caps.astype(int).copy()
        self.scope_caps = engine.scope_caps.astype(int).copy()
        for industry, cap in settings.caps.items():
            self.caps[self._column(industry)] = cap
        for industry, cap in settings.scope_caps.items():
            self.scope_caps[self._column(industry)] = cap
        self.excluded_rows = np.zeros(n, dtype=bool)
        for code in settings.excluded_regions:
            self.excluded_rows[self._row(code)] = True
        self.excluded_columns = np.zeros(m, dtype=bool)
        for industry in settings.excluded_industries:
            self.excluded_columns[self._column(industry)] = True
        self.locked = np.zeros((n, m), dtype=bool)
        for code, industry in settings.locks:
            self.locked[self._row(code), self._column(industry)] = True
        leads = (self.weights == 2).sum(axis=1)
        drafted = np.asarray((self.weights > 0).any(axis=1))
        self.drafted = drafted
        low = int(leads[drafted].min()) if drafted.any() else 0
        high = int(leads[drafted].max()) if drafted.any() else 0
        self.min_leads = low if settings.min_leads is None else settings.min_leads
        self.max_leads = max(high, 1) if settings.max_leads is None else settings.max_leads
        if self.locked.all() or (len(plan) and self.locked[self.weights > 0].all()):
            self.messages.append(
                f"All {int((self.weights > 0).sum())} assignments of the draft are locked: the proposal "
                "can only add to them, and the flags they raise stay."
            )

    # -- names -------------------------------------------------------------------
    def _row(self, code: str) -> int:
        row = self.ctx.index_of.get(str(code))
        if row is None:
            raise ValueError(f"no region {code} on the {self.ctx.level or 'plan'} layer")
        return row

    def _column(self, industry: str) -> int:
        column = self.ctx.industry_index.get(str(industry))
        if column is None:
            raise ValueError(f"no industry {industry!r} in the catalog")
        return column

    def _region(self, row: int) -> str:
        return f"{self.ctx.names[row]} ({self.ctx.codes[row]})"

    # -- conflicts ---------------------------------------------------------------
    def check_conflicts(self) -> None:
        """Raise :class:`SettingsConflict` naming the settings that cannot all hold."""
        ctx, s = self.ctx, self.settings
        reasons: list[str] = []
        facts: list[dict[str, Any]] = []
        if self.min_leads > self.max_leads:
            reasons.append(
                f"each region must keep at least {self.min_leads} lead industries but may have at most {self.max_leads}"
            )
            facts.append({"why": "lead-range", "min_leads": self.min_leads, "max_leads": self.max_leads})
        locked_rows, locked_columns = np.nonzero(self.locked)
        for row, column in zip(locked_rows.tolist(), locked_columns.tolist(), strict=True):
            code, industry = str(ctx.codes[row]), ctx.industry_ids[column]
            if self.excluded_rows[row]:
                reasons.append(f"{ctx.names[row]} is excluded but {ctx.names[row]}:{industry} is locked")
                facts.append({"why": "excluded-region-locked", "region": code, "industry": industry})
            if self.excluded_columns[column]:
                reasons.append(f"{ctx.industry_names[column]} is excluded but locked in {ctx.names[row]}")
                facts.append({"why": "excluded-industry-locked", "region": code, "industry": industry})
        _, _, valid = ctx.segment_fits()
        per_cap = valid.sum(axis=1) if s.division_of_labour else np.ones(ctx.n_industries, dtype=int)
        for column in np.flatnonzero(self.locked.any(axis=0)).tolist():
            rows = self.locked[:, column]
            where = "" if self.scope.national else f" within {self.scope.name_en}"
            for count, cap, scope in (
                (int(rows.sum()), int(self.caps[column]), ""),
                (int((rows & self.scope_rows).sum()), int(self.scope_caps[column]), where),
            ):
                if count > cap * per_cap[column]:
                    segments = (
                        f" on each of its {per_cap[column]} segments" if per_cap[column] > 1 else ""
                    )
                    reasons.append(
                        f"{count} regions lock {ctx.industry_names[column]}{scope} but its cap is {cap}{segments}"
                    )
                    facts.append({
                        "why": "cap-locked", "count": count, "industry": ctx.industry_ids[column], "cap": cap,
                        "scope_zh": self.scope.name_zh if scope else "", "segments": int(per_cap[column]),
                    })
                    break
        # A minimum the planner set that a region cannot reach at all (the draft's own
        # range is met by the draft; below it a region only pays LEAD_PENALTY).
        leads_possible = self._lead_candidates()
        short = np.flatnonzero(self.drafted & ~self.excluded_rows & (leads_possible < self.min_leads))
        if len(short) and s.min_leads is not None:
            first = int(short[0])
            more = f" (and {len(short) - 1} more {'region' if len(short) == 2 else 'regions'})" if len(short) > 1 else ""
            reasons.append(
                f"{self._region(first)} must keep at least {self.min_leads} lead industries but only "
                f"{int(leads_possible[first])} can be kept or added there{more}"
            )
            facts.append({"why": "min-leads-unreachable", "region": str(ctx.codes[first]), "min_leads": self.min_leads,
                          "possible": int(leads_possible[first]), "more": len(short) - 1})
        if s.max_changes is not None:
            adds = int((self.locked & (self.weights == 0)).sum())
            drops = int(((self.weights > 0) & ~self.locked & (self.excluded_rows[:, None] | self.excluded_columns[None, :])).sum())
            if adds + drops > s.max_changes:
                parts = []
                if adds:
                    parts.append("1 lock adds an assignment" if adds == 1 else f"{adds} locks add assignments")
                if drops:
                    parts.append(
                        "1 draft assignment lies" if drops == 1 else f"{drops} draft assignments lie"
                    )
                    parts[-1] += " in excluded regions or industries"
                reasons.append(
                    f"{' and '.join(parts)}: at least {adds + drops} {'change' if adds + drops == 1 else 'changes'}, "
                    f"but at most {s.max_changes} "
                    f"{'is' if s.max_changes == 1 else 'are'} allowed"
                )
                facts.append({"why": "max-changes", "adds": adds, "drops": drops, "max_changes": s.max_changes})
        if reasons:
            raise SettingsConflict(reasons, facts)

    def _lead_candidates(self) -> np.ndarray:
        """Per region: how many industries it could hold as lead in the proposal."""
        ctx = self.ctx
        low, _, valid = ctx.segment_fits()
        verified = ((low >= self.threshold) & valid[None]).any(axis=2)
        possible = (self.weights > 0) | self.locked | (verified & self.scope_rows[:, None])
        possible &= ~self.excluded_rows[:, None] & ~self.excluded_columns[None, :]
        possible |= self.locked
        return possible.sum(axis=1)

    # -- building ----------------------------------------------------------------
    def build(self) -> None:
        ctx, s, threshold = self.ctx, self.settings, self.threshold
        low, high, valid = ctx.segment_fits()
        width = low.shape[2]
        draft = self.weights > 0
        verified_any = ((low >= threshold) & valid[None]).any(axis=2)
        usable = ~self.excluded_rows[:, None] & ~self.excluded_columns[None, :]
        new = ~draft & verified_any & self.scope_rows[:, None] & usable
        cells = (draft & usable) | new | self.locked
        cell_rows, cell_columns = np.nonzero(cells)
        self.cell_rows, self.cell_columns = cell_rows, cell_columns
        n_cells = len(cell_rows)
        cell_draft = self.weights[cell_rows, cell_columns].astype(int)
        cell_locked = self.locked[cell_rows, cell_columns]
        kept_or_locked = (cell_draft > 0) | cell_locked
        best = ctx.met_pattern[cell_rows, cell_columns] // 3**MAX_GROUPS
        seg_low = low[cell_rows, cell_columns]  # (cells, width)
        seg_high = high[cell_rows, cell_columns]
        seg_valid = valid[cell_columns]
        bound = np.where(kept_or_locked[:, None], seg_high if s.keep_unverified else seg_low, seg_low)
        ok = seg_valid & (bound >= threshold)
        fallback = kept_or_locked & ~ok.any(axis=1)
        ok[fallback, :] = False
        ok[fallback, best[fallback]] = True
        known_mismatch = ctx.fit_high[cell_rows, cell_columns] < threshold
        unverified = ctx.fit[cell_rows, cell_columns] < threshold
        penalised = (cell_draft > 0) & ~cell_locked & (known_mismatch | (unverified & (not s.keep_unverified)))
        self.cell_penalised = penalised
        # Columns: every allowed (cell, segment) as lead and as support. A new support
        # role is worth less than its change (0.5 * fit <= 0.5) and adds no lead, so it
        # can only pay off by covering an upstream link: elsewhere it is left out.
        cell_of, segment_of = np.nonzero(ok)
        upstream_of_some = np.zeros(ctx.n_industries, dtype=bool)
        upstream_of_some[[u for links in ctx.upstream for u in links]] = True
        support_useful = kept_or_locked | upstream_of_some[cell_columns] | (s.change_cost < 0.5)
        with_support = support_useful[cell_of]
        cell_of = np.concatenate([cell_of, cell_of[with_support]])
        segment_of = np.concatenate([segment_of, segment_of[with_support]])
        role_of = np.concatenate([np.full(len(with_support), 2), np.full(int(with_support.sum()), 1)])
        order = np.lexsort((-role_of, segment_of, cell_of))
        cell_of, segment_of, role_of = cell_of[order], segment_of[order], role_of[order]
        confidence = 1.0 - (seg_high[cell_of, segment_of] - seg_low[cell_of, segment_of])
        value = np.where(role_of == 2, 1.0, 0.5) * seg_low[cell_of, segment_of] * confidence
        drafted_role = cell_draft[cell_of]
        same_role = drafted_role == role_of
        cost = value.copy()
        cost += np.where(drafted_role == 0, -s.change_cost, np.where(same_role, s.change_cost, 0.0))
        cost -= PENALTY * penalised[cell_of]
        self.x_cell, self.x_segment, self.x_role, self.x_value = cell_of, segment_of, role_of, value
        n_x = len(cell_of)
        triplets: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        lower: list[np.ndarray] = []
        upper: list[np.ndarray] = []
        self.row_kinds: dict[str, tuple[int, int]] = {}
        extra_cost: list[float] = []
        extra_integer: list[bool] = []
        extra_upper: list[float] = []
        rows_so_far = 0
        columns_so_far = n_x

        def add_rows(kind: str, row_index: np.ndarray, column_index: np.ndarray, values: np.ndarray,
                     lo: np.ndarray, up: np.ndarray) -> None:
            nonlocal rows_so_far
            triplets.append((row_index + rows_so_far, column_index, values))
            lower.append(np.asarray(lo, dtype=float))
            upper.append(np.asarray(up, dtype=float))
            self.row_kinds[kind] = (rows_so_far, rows_so_far + len(lo))
            rows_so_far += len(lo)

        def new_columns(count: int, cost_each: float, integer: bool, up: float) -> np.ndarray:
            nonlocal columns_so_far
            index = np.arange(columns_so_far, columns_so_far + count)
            columns_so_far += count
            extra_cost.extend([cost_each] * count)
            extra_integer.extend([integer] * count)
            extra_upper.extend([up] * count)
            return index

        every = np.arange(n_x)
        # One segment and role per cell; a locked cell is in the proposal. A cell with one
        # column needs no row (its bounds say it): most new cells, a third of a county
        # model's rows and much of the solver's memory.
        per_cell = np.bincount(cell_of, minlength=n_cells)
        shared = per_cell[cell_of] > 1
        cell_row = np.full(n_cells, -1)
        cell_row[per_cell > 1] = np.arange(int((per_cell > 1).sum()))
        add_rows("cells", cell_row[cell_of[shared]], every[shared], np.ones(int(shared.sum())),
                 np.where(cell_locked[per_cell > 1], 1.0, -np.inf), np.ones(int((per_cell > 1).sum())))
        self.lower = np.where(cell_locked[cell_of] & ~shared, 1.0, 0.0)
        # Lead industries per region.
        leads = every[role_of == 2]
        lead_rows = cell_rows[cell_of[leads]]
        regions, lead_row_index = np.unique(lead_rows, return_inverse=True)
        add_rows("leads", lead_row_index, leads, np.ones(len(leads)), np.full(len(regions), -np.inf),
                 np.full(len(regions), float(self.max_leads)))
        # At least min_leads for the draft's regions; each lead short of it costs
        # LEAD_PENALTY, so a region keeps its leads by replacement where anything fits
        # with room, and loses one rather than keep a mismatch or crowd a cap.
        minimum = np.where(self.drafted[regions] & ~self.excluded_rows[regions], self.min_leads, 0)
        wanted = np.flatnonzero(minimum > 0)
        self.short_columns: dict[int, int] = {}
        if len(wanted):
            short = new_columns(len(wanted), -LEAD_PENALTY, False, float(self.min_leads))
            position = np.full(len(regions), -1)
            position[wanted] = np.arange(len(wanted))
            members = leads[position[lead_row_index] >= 0]
            add_rows("leads-min",
                     np.concatenate([position[lead_row_index[position[lead_row_index] >= 0]], np.arange(len(wanted))]),
                     np.concatenate([members, short]),
                     np.ones(len(members) + len(wanted)),
                     minimum[wanted].astype(float), np.full(len(wanted), np.inf))
            self.short_columns = dict(zip(regions[wanted].tolist(), short.tolist(), strict=True))
        self.lead_regions = regions
        # Caps, nationally and within the scope, per segment with division of labour.
        group = cell_columns[cell_of] * width + (segment_of if s.division_of_labour else 0)
        self.cap_groups: list[tuple[str, int, int, int]] = []  # (where, column, segment, column of excess)
        for where, mask, caps in (("nation", np.ones(n_x, dtype=bool), self.caps),
                                  ("scope", self.scope_rows[cell_rows[cell_of]], self.scope_caps)):
            if where == "scope" and self.scope.national:
                continue
            counts = np.bincount(group[mask], minlength=ctx.n_industries * width)
            over = np.flatnonzero(counts > caps[np.arange(len(counts)) // width])
            if not len(over):
                continue
            excess = new_columns(len(over), -PENALTY, False, np.inf)
            position = np.full(len(counts), -1)
            position[over] = np.arange(len(over))
            members = every[mask & (position[group] >= 0)]
            row_index = np.concatenate([position[group[members]], np.arange(len(over))])
            column_index = np.concatenate([members, excess])
            values = np.concatenate([np.ones(len(members)), -np.ones(len(over))])
            add_rows(f"caps-{where}", row_index, column_index, values,
                     np.full(len(over), -np.inf), caps[over // width].astype(float))
            self.cap_groups.extend((where, int(g // width), int(g % width), int(e)) for g, e in zip(over, excess, strict=True))
        # The most changes: added cells count one, draft cells not kept in their role one.
        self.n_draft = int((self.weights > 0).sum())
        if s.max_changes is not None:
            change_values = np.where(drafted_role == 0, 1.0, np.where(same_role, -1.0, 0.0))
            used = every[change_values != 0]
            add_rows("changes", np.zeros(len(used), dtype=int), used, change_values[used],
                     np.array([-np.inf]), np.array([float(s.max_changes - self.n_draft)]))
        # Chain completeness: an industry used whose upstream link no region covers.
        self.chain_links: list[tuple[int, int, int]] = []
        if s.chain_weight > 0:
            base_anywhere = np.asarray(ctx.in_base.any(axis=0))
            industry_of_x = cell_columns[cell_of]
            x_by_industry = {int(c): every[industry_of_x == c] for c in np.unique(industry_of_x)}
            links = [(i, u) for i in x_by_industry for u in ctx.upstream[i] if not base_anywhere[u] and u != i]
            if links:
                users = sorted({i for i, _ in links})
                used_column = dict(zip(users, new_columns(len(users), 0.0, True, 1.0).tolist(), strict=True))
                gap_columns = new_columns(len(links), -s.chain_weight, False, 1.0)
                r_idx, c_idx, vals = [], [], []
                for k, i in enumerate(users):
                    members = x_by_industry[i]
                    r_idx += [k] * (len(members) + 1)
                    c_idx += members.tolist() + [used_column[i]]
                    vals += [1.0] * len(members) + [-float(len(members))]
                add_rows("chain-used", np.array(r_idx), np.array(c_idx), np.array(vals),
                         np.full(len(users), -np.inf), np.zeros(len(users)))
                r_idx, c_idx, vals = [], [], []
                for k, (i, u) in enumerate(links):
                    members = x_by_industry.get(u, np.array([], dtype=int))
                    r_idx += [k] * (len(members) + 2)
                    c_idx += [used_column[i]] + members.tolist() + [int(gap_columns[k])]
                    vals += [1.0] + [-1.0] * len(members) + [-1.0]
                    self.chain_links.append((i, u, int(gap_columns[k])))
                add_rows("chain-gaps", np.array(r_idx), np.array(c_idx), np.array(vals),
                         np.full(len(links), -np.inf), np.zeros(len(links)))
        self.n_columns, self.n_rows = columns_so_far, rows_so_far
        self.cost = np.concatenate([cost, np.array(extra_cost)])
        self.offset = -s.change_cost * self.n_draft
        self.upper = np.concatenate([np.ones(n_x), np.array(extra_upper)])
        self.lower = np.concatenate([self.lower, np.zeros(len(extra_upper))])
        self.integer = np.concatenate([np.ones(n_x, dtype=bool), np.array(extra_integer, dtype=bool)])
        rows = np.concatenate([t[0] for t in triplets]) if triplets else np.zeros(0, dtype=int)
        columns = np.concatenate([t[1] for t in triplets]) if triplets else np.zeros(0, dtype=int)
        values = np.concatenate([t[2] for t in triplets]) if triplets else np.zeros(0)
        self.matrix = scipy.sparse.csr_matrix(
            (values, (rows, columns)), shape=(self.n_rows, self.n_columns)
        )
        self.row_lower = np.concatenate(lower) if lower else np.zeros(0)
        self.row_upper = np.concatenate(upper) if upper else np.zeros(0)

    # -- solving -----------------------------------------------------------------
    def _solver(self, keep: np.ndarray | None, integer: bool) -> Any:
        """A silent HiGHS instance holding the model (its columns ``keep`` only, if given)."""
        import highspy
        from highspy import _core

        s = self.settings
        # The bare solver: highspy.Highs() installs its callbacks before output can be
        # turned off, and HiGHS then prints its banner on stdout (which --format json owns).
        highs = _core._Highs()
        highs.setOptionValue("output_flag", False)
        matrix = self.matrix if keep is None else self.matrix[:, keep].tocsr()
        columns = np.arange(self.n_columns) if keep is None else np.flatnonzero(keep)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = len(columns), self.n_rows
        lp.col_cost_ = self.cost[columns]
        lp.col_lower_ = self.lower[columns]
        lp.col_upper_ = self.upper[columns]
        inf = highspy.kHighsInf
        lp.row_lower_ = np.where(np.isinf(self.row_lower), -inf, self.row_lower)
        lp.row_upper_ = np.where(np.isinf(self.row_upper), inf, self.row_upper)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = len(columns), self.n_rows
        lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
        lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
        lp.a_matrix_.value_ = matrix.data
        if integer:
            lp.integrality_ = [
                highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
                for flag in self.integer[columns]
            ]
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.offset_ = self.offset
        highs.passModel(lp)
        highs.setOptionValue("time_limit", float(s.time_limit))
        highs.setOptionValue("mip_rel_gap", float(s.mip_rel_gap))
        if len(columns) > PRESOLVE_COLUMNS:
            # On a county model HiGHS's presolve spends two thirds of the time (8 of
            # 12 s) probing binaries that the root LP settles anyway (one node).
            highs.setOptionValue("presolve", "off")
        return highs

    def solve(
        self, progress: Callable[[Progress], None] | None, should_stop: Callable[[], bool] | None
    ) -> tuple[np.ndarray | None, str, float, float, float]:
        """Solve; returns the solution (``None`` if none), status, objective, bound, gap.

        The relaxation first: on these models its optimum is nearly always integral, or
        reached by an integral point among the columns it uses, and then that point is a
        proven optimum, found in a fraction of the time and memory of the full MIP
        (county: about 1 s and +40 MB, against 4-7 s and +240 MB). Otherwise, or when
        the restricted MIP falls short of the relaxation's bound, the full MIP runs.
        """
        import highspy

        if should_stop is not None and should_stop():
            return None, "cancelled", math.nan, math.nan, math.inf
        started = time.perf_counter()
        optimal = highspy.HighsModelStatus.kOptimal
        highs = self._solver(None, integer=False)
        highs.run()
        if highs.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
            raise SettingsConflict(*self._diagnose())
        if highs.getModelStatus() == optimal:
            relaxed = np.asarray(highs.getSolution().col_value)
            bound = float(highs.getInfo().objective_function_value)
            tolerance = 1e-6 * max(1.0, abs(bound))
            whole = relaxed[self.integer]
            found = None
            if np.all(np.abs(whole - np.round(whole)) <= 1e-6):
                found = relaxed
                found[self.integer] = np.round(whole)
            elif not (should_stop is not None and should_stop()):
                keep = ~self.integer | (relaxed > 1e-9)
                restricted = self._solver(keep, integer=True)
                restricted.run()
                if restricted.getModelStatus() == optimal:
                    objective = float(restricted.getInfo().objective_function_value)
                    if objective >= bound - tolerance:
                        found = np.zeros(self.n_columns)
                        found[keep] = np.asarray(restricted.getSolution().col_value)
            del highs
            if found is not None:
                if progress is not None:
                    progress(Progress(time.perf_counter() - started, bound, bound, 0.0))
                return found, "optimal", bound, bound, 0.0
        return self._solve_mip(progress, should_stop)

    def _solve_mip(
        self, progress: Callable[[Progress], None] | None, should_stop: Callable[[], bool] | None
    ) -> tuple[np.ndarray | None, str, float, float, float]:
        import highspy

        highs = self._solver(None, integer=True)
        stopped = []
        if progress is not None or should_stop is not None:
            def on_interrupt(kind: Any, message: str, out: Any, data_in: Any, user_data: Any) -> None:
                if progress is not None:
                    progress(Progress(out.running_time, out.mip_primal_bound, out.mip_dual_bound, out.mip_gap))
                if should_stop is not None and should_stop() and data_in is not None:
                    stopped.append(True)
                    data_in.user_interrupt = True

            highs.setCallback(on_interrupt, None)
            highs.startCallback(highspy.cb.HighsCallbackType.kCallbackMipInterrupt)
        highs.run()
        model_status = highs.getModelStatus()
        info = highs.getInfo()
        name = highs.modelStatusToString(model_status)
        solution = np.asarray(highs.getSolution().col_value)
        if model_status == highspy.HighsModelStatus.kInfeasible:
            raise SettingsConflict(*self._diagnose())
        if len(solution) != self.n_columns or info.primal_solution_status == 0:
            # Nothing found yet: the draft itself stands, and the caller says why.
            return None, "cancelled" if stopped else "time limit", math.nan, float(info.mip_dual_bound), math.inf
        if stopped:
            status = "cancelled"
        elif model_status == highspy.HighsModelStatus.kOptimal:
            status = "optimal"
        elif model_status == highspy.HighsModelStatus.kTimeLimit:
            status = "time limit"
        else:
            status = name.lower()
        objective = float(info.objective_function_value)
        bound = float(info.mip_dual_bound)
        gap = float(info.mip_gap) if math.isfinite(info.mip_gap) else 0.0
        return solution, status, objective, bound, max(gap, 0.0)

    def _diagnose(self) -> tuple[list[str], list[dict[str, Any]]]:
        """Which hard settings conflict, when the solver finds no proposal at all (reason and facts)."""
        s = self.settings
        facts = {"why": "infeasible", "max_changes": s.max_changes, "min_leads": self.min_leads,
                 "max_leads": self.max_leads, "locks": len(s.locks),
                 "exclusions": bool(s.excluded_regions or s.excluded_industries)}
        parts = []
        if s.max_changes is not None:
            parts.append(f"at most {s.max_changes} changes")
        parts.append(f"{self.min_leads} to {self.max_leads} lead industries per region")
        if s.locks:
            parts.append(f"{len(s.locks)} locks")
        if s.excluded_regions or s.excluded_industries:
            parts.append("the exclusions")
        reason = f"{', '.join(parts[:-1])} and {parts[-1]} cannot all hold at once" if len(parts) > 1 else (
            f"{parts[0]} cannot hold"
        )
        return [reason], [facts]

    # -- reading the solution ----------------------------------------------------
    def chosen(self, solution: np.ndarray) -> np.ndarray:
        return np.flatnonzero(solution[: len(self.x_cell)] > 0.5)

    def read(self, solution: np.ndarray) -> tuple[Plan, list[ProposedChange]]:
        ctx = self.ctx
        low, high, valid = ctx.segment_fits()
        picked = self.chosen(solution)
        proposal: dict[tuple[int, int], tuple[int, int, float]] = {}
        for k in picked.tolist():
            cell = int(self.x_cell[k])
            row, column = int(self.cell_rows[cell]), int(self.cell_columns[cell])
            proposal[(row, column)] = (int(self.x_role[k]), int(self.x_segment[k]), float(self.x_value[k]))
        edits_after: dict[tuple[int, int], Assignment | None] = {}
        draft_rows, draft_columns = np.nonzero(self.weights > 0)
        draft_cells = set(zip(draft_rows.tolist(), draft_columns.tolist(), strict=True))
        for row, column in draft_cells - proposal.keys():
            edits_after[(row, column)] = None
        for (row, column), (role, segment, _) in proposal.items():
            code, industry = str(ctx.codes[row]), ctx.industry_ids[column]
            old = self.plan.get(code, industry)
            note = old.note if old is not None else ""
            if valid[column].sum() > 1:
                note = _with_segment(note, ctx.catalog.industries[column].segments[segment].id)
            edits_after[(row, column)] = Assignment(code, industry, ROLE_NAME[role], note)
        puts = []
        for (row, column), assignment in sorted(edits_after.items()):
            code, industry = str(ctx.codes[row]), ctx.industry_ids[column]
            if assignment != self.plan.get(code, industry):
                puts.append(Put(code, industry, assignment, "unassign" if assignment is None else "assign"))
        plan = self.plan.copy()
        plan.apply(Batch(tuple(puts)))
        changes = self._changes(proposal, draft_cells, low, high)
        return plan, changes

    def _changes(self, proposal, draft_cells, low, high) -> list[ProposedChange]:
        ctx = self.ctx
        changes: list[ProposedChange] = []
        # Which draft cells each (industry, segment) group held, to word crowding.
        dropped_in: dict[int, list[int]] = {}
        added_in: dict[int, list[int]] = {}
        for row, column in sorted(draft_cells - proposal.keys()):
            dropped_in.setdefault(row, []).append(column)
        for (row, column) in sorted(proposal.keys() - draft_cells):
            added_in.setdefault(row, []).append(column)
        scope_note = "" if self.scope.national else f" within {self.scope.name_en}"
        keys = sorted(draft_cells | proposal.keys(), key=lambda key: (str(ctx.codes[key[0]]), key[1]))
        for row, column in keys:
            before = int(self.weights[row, column])
            after = proposal.get((row, column))
            after_role = 0 if after is None else after[0]
            if before == after_role:
                continue
            code, name = str(ctx.codes[row]), ctx.names[row]
            industry, industry_name = ctx.industry_ids[column], ctx.industry_names[column]
            segment_index = after[1] if after is not None else int(ctx.met_pattern[row, column] // 3**MAX_GROUPS)
            segment = ctx.catalog.industries[column].segments[segment_index].id
            fit = float(low[row, column, segment_index])
            confidence = 1.0 - (float(high[row, column, segment_index]) - fit)
            if after is None:
                action = "drop"
                reason, facts = self._drop_reason(row, column, scope_note, added_in.get(row, []))
            elif before == 0:
                action = "add"
                reason, facts = self._add_reason(
                    row, column, segment, fit, confidence, dropped_in.get(row, []), proposal
                )
            else:
                action = "role"
                if after_role == 1:
                    reason = f"keeps {name} within {self.max_leads} lead industries"
                    facts = {"why": "max-leads", "region": code, "max_leads": self.max_leads}
                else:
                    reason = f"keeps {name} at {self.min_leads} lead industries at least"
                    facts = {"why": "min-leads", "region": code, "min_leads": self.min_leads}
            changes.append(ProposedChange(
                action, code, industry, name, industry_name, ROLE_NAME.get(before), ROLE_NAME.get(after_role),
                segment, fit, confidence, reason, facts,
            ))
        return changes

    def _drop_reason(self, row: int, column: int, scope_note: str, added: list[int]) -> tuple[str, dict[str, Any]]:
        """Why a draft assignment goes: the English sentence and its facts."""
        ctx = self.ctx
        code, industry = str(ctx.codes[row]), ctx.industry_ids[column]
        if self.excluded_rows[row]:
            return f"{ctx.names[row]} is excluded by the settings", {"why": "excluded-region", "region": code}
        if self.excluded_columns[column]:
            return (f"{ctx.industry_names[column]} is excluded by the settings",
                    {"why": "excluded-industry", "industry": industry})
        fit, fit_high = float(ctx.fit[row, column]), float(ctx.fit_high[row, column])
        if fit_high < self.threshold:
            verdict = ctx.verdict(row, column)
            return (
                f"a known local mismatch: fit {fit:.2f} on the evidence "
                f"(threshold {self.threshold:.2f}); {_needs_reason(ctx, verdict)}",
                {"why": "mismatch", "fit": fit, "threshold": float(self.threshold), "segment": verdict.segment,
                 "needs_met": ["|".join(g) for g in verdict.met],
                 "needs_unknown": ["|".join(g) for g in verdict.unknown],
                 "needs_missing": ["|".join(g) for g in verdict.absent],
                 "settled_by": list(ctx.settled_by(verdict.unknown)) if verdict.unknown else []},
            )
        if fit < self.threshold and not self.settings.keep_unverified:
            return (
                f"unverified: no evidence yet that its conditions fit it (fit {fit:.2f}, "
                f"up to {fit_high:.2f} if the unknowns hold)",
                {"why": "unverified", "fit": fit, "fit_high": fit_high},
            )
        count = int((self.weights[:, column] > 0).sum())
        scope_count = int(((self.weights[:, column] > 0) & self.scope_rows).sum())
        if count > self.caps[column] or scope_count > self.scope_caps[column]:
            national = bool(count > self.caps[column])
            numbers = (
                f"{count} regions against a cap of {int(self.caps[column])}"
                if national
                else f"{scope_count} regions{scope_note} against a cap of {int(self.scope_caps[column])}"
            )
            per = " on the same segment" if self.settings.division_of_labour else ""
            confidence = float(ctx.confidence[row, column])
            return (
                f"{ctx.industry_names[column]} is crowded ({numbers}{per}); {ctx.names[row]} fits it least "
                f"(fit {fit:.2f}, confidence {confidence:.2f})",
                {"why": "crowded", "industry": industry, "region": code,
                 "count": count if national else scope_count,
                 "cap": int(self.caps[column] if national else self.scope_caps[column]),
                 "scope_zh": "" if national or self.scope.national else self.scope.name_zh,
                 "scope_en": "" if national or self.scope.national else self.scope.name_en,
                 "per_segment": self.settings.division_of_labour, "fit": fit, "confidence": confidence},
            )
        if added:
            return (
                f"makes room for {', '.join(ctx.industry_names[c] for c in added)} "
                f"within {self.max_leads} lead industries",
                {"why": "room", "added": [ctx.industry_ids[c] for c in added], "max_leads": self.max_leads},
            )
        return "the best trade of fit against changes within the settings", {"why": "trade"}

    def _add_reason(self, row, column, segment, fit, confidence, dropped, proposal) -> tuple[str, dict[str, Any]]:
        """Why an assignment is added: the English sentence and its facts."""
        ctx = self.ctx
        where = f"fit {fit:.2f}, confidence {confidence:.2f}"
        facts: dict[str, Any] = {"fit": fit, "confidence": confidence, "segment": ""}
        if len([1 for k in ctx.catalog.industries[column].segments]) > 1:
            where += f", on its {SEGMENTS.get(segment, ('', segment))[1]} segment"
            facts["segment"] = segment
        if self.locked[row, column]:
            return f"locked by the planner ({where})", {"why": "locked", **facts}
        downstream = [
            i for i, u, _ in self.chain_links
            if u == column and not (self.weights[:, u] > 0).any()
            and any(c == i for (_, c) in proposal)
        ]
        if downstream:
            columns = list(dict.fromkeys(downstream))
            names = ", ".join(dict.fromkeys(ctx.industry_names[i] for i in columns))
            return (f"covers the upstream link of {names} that no region covered ({where})",
                    {"why": "upstream", "downstream": [ctx.industry_ids[i] for i in columns], **facts})
        if dropped:
            return (
                f"replaces {', '.join(ctx.industry_names[c] for c in dropped)} so that {ctx.names[row]} keeps "
                f"{self.min_leads} or more lead industries; the best fit with room under its caps ({where})",
                {"why": "replaces", "dropped": [ctx.industry_ids[c] for c in dropped], "region": str(ctx.codes[row]),
                 "min_leads": self.min_leads, **facts},
            )
        return f"the best fit with room under its caps ({where})", {"why": "best-fit", **facts}

    def unmet(self, solution: np.ndarray) -> list[str]:
        """What the proposal could not clear, in words."""
        ctx, s = self.ctx, self.settings
        sentences = []
        limit = "" if s.max_changes is None else (
            f" (at most {s.max_changes} {'change is' if s.max_changes == 1 else 'changes are'} allowed)"
        )
        for where, column, segment, excess_column in self.cap_groups:
            excess = solution[excess_column]
            if excess > 0.5:
                cap = int(self.caps[column] if where == "nation" else self.scope_caps[column])
                place = "nationally" if where == "nation" else f"within {self.scope.name_en}"
                seg = ""
                if s.division_of_labour and len(ctx.catalog.industries[column].segments) > 1:
                    seg = f" on its {ctx.catalog.industries[column].segments[segment].name_en} segment"
                sentences.append(
                    f"{ctx.industry_names[column]} stays in {cap + round(excess)} regions{seg} {place} "
                    f"against a cap of {cap}{limit}"
                )
        picked = self.chosen(solution)
        for k in picked.tolist():
            cell = int(self.x_cell[k])
            if self.cell_penalised[cell]:
                row, column = int(self.cell_rows[cell]), int(self.cell_columns[cell])
                sentences.append(
                    f"{ctx.names[row]} keeps {ctx.industry_names[column]}, a known mismatch "
                    f"(fit {float(ctx.fit[row, column]):.2f}){limit}"
                )
        for row, short_column in self.short_columns.items():
            short = round(float(solution[short_column]))
            if short > 0:
                leads = self.min_leads - short
                sentences.append(
                    f"{ctx.names[row]} has {leads} lead {'industry' if leads == 1 else 'industries'}, "
                    f"below the minimum of {self.min_leads}: no other industry its evidence supports "
                    f"has room there{limit}"
                )
        locked_known = self.locked & (ctx.fit_high < self.threshold)
        for row, column in zip(*np.nonzero(locked_known), strict=True):
            sentences.append(
                f"{ctx.names[row]} keeps {ctx.industry_names[column]}, a known mismatch, because it is locked"
            )
        for i, u, gap_column in self.chain_links:
            if solution[gap_column] > 0.5:
                sentences.append(
                    f"{ctx.industry_names[i]} keeps an upstream gap: no region covers {ctx.industry_names[u]}"
                )
        return sentences




def _with_segment(note: str, segment: str) -> str:
    """``note`` with its ``segment: ...`` part set to ``segment``."""
    rest = _SEGMENT_NOTE.sub("", note).strip()
    return f"{rest}; segment: {segment}" if rest else f"segment: {segment}"


def parse_lock(text: str) -> tuple[str, str]:
    """``REGION:INDUSTRY`` as a pair; ValueError with a plain message otherwise."""
    region, sep, industry = text.partition(":")
    if not sep or not region.strip() or not industry.strip():
        raise ValueError(f"a lock is REGION:INDUSTRY (e.g. 340100:new-energy-vehicles), not {text!r}")
    return region.strip(), industry.strip()



def parse_cap(text: str) -> tuple[str, int]:
    """``INDUSTRY=N`` as a pair; ValueError with a plain message otherwise."""
    industry, sep, number = text.partition("=")
    if not sep or not industry.strip() or not number.strip().isdigit():
        raise ValueError(f"a cap is INDUSTRY=N (e.g. integrated-circuits=8), not {text!r}")
    return industry.strip(), int(number)

