"""Imported region x industry statistics: reading, validation, RCA, proximity, density."""

from __future__ import annotations

import numpy as np
import pytest

from cluster_planner.domain.errors import DataError
from cluster_planner.domain.statistics import (
    RegionIndustryTable,
    load_statistics,
    location_quotients,
    presence_matrix,
    proximity,
    relatedness_density,
)

# Four regions, three industries, small enough to compute by hand:
#            A   B   C    region total
#   110000  10   0   0    10
#   120000   0  10  10    20
#   130000   5   5   0    10
#   140000   0   0  10    10
#   total   15  15  20    50       industry shares .3 .3 .4
VALUES = np.array([[10, 0, 0], [0, 10, 10], [5, 5, 0], [0, 0, 10]], dtype=float)
REGIONS = ("110000", "120000", "130000", "140000")
INDUSTRIES = ("alpha", "beta", "gamma")


def test_location_quotients_match_hand_computation():
    rca = location_quotients(VALUES)
    expected = np.array(
        [
            [1 / 0.3, 0, 0],
            [0, 0.5 / 0.3, 0.5 / 0.4],
            [0.5 / 0.3, 0.5 / 0.3, 0],
            [0, 0, 1 / 0.4],
        ]
    )
    np.testing.assert_allclose(rca, expected)


def test_presence_proximity_and_density_match_hand_computation():
    m = presence_matrix(location_quotients(VALUES))
    assert m.tolist() == [
        [True, False, False],
        [False, True, True],
        [True, True, False],
        [False, False, True],
    ]
    # Every industry is present in two regions; A and B meet once (130000), B and C once
    # (120000), A and C never: phi = 1 / max(2, 2) = 0.5 or 0.
    phi = proximity(m)
    np.testing.assert_allclose(phi, [[0, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0]])
    density = relatedness_density(m, phi)
    # Column sums of phi: A 0.5, B 1.0, C 0.5.
    np.testing.assert_allclose(
        density,
        [
            [0.0, 0.5, 0.0],  # holds A: B is half related through A
            [1.0, 0.5, 1.0],  # holds B and C
            [1.0, 0.5, 1.0],  # holds A and B
            [0.0, 0.5, 0.0],  # holds C
        ],
    )


def test_empty_rows_and_columns_give_zero_not_nan():
    values = np.array([[0.0, 0.0], [3.0, 0.0]])
    rca = location_quotients(values)
    assert np.isfinite(rca).all()
    assert rca[0].tolist() == [0.0, 0.0]
    assert rca[1, 1] == 0.0
    assert location_quotients(np.zeros((2, 2))).tolist() == [[0, 0], [0, 0]]


def test_aligning_keeps_every_figure_of_the_table(tmp_path):
    table = RegionIndustryTable(REGIONS, INDUSTRIES, VALUES)
    aligned = table.aligned(["990000", *reversed(REGIONS)], ["zeta", *INDUSTRIES])
    assert aligned.values[0].tolist() == [0, 0, 0, 0]
    np.testing.assert_allclose(aligned.rca[1:, 1:], table.rca[::-1])
    np.testing.assert_allclose(aligned.density[1:, 1:], table.density[::-1])
    assert aligned.density[:, 0].tolist() == [0, 0, 0, 0, 0]


def write(tmp_path, text, name="stats.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_long_and_wide_files_give_the_same_table(tmp_path):
    long_rows = ["region,industry,value"] + [
        f"{region},{industry},{VALUES[r, i]:g}"
        for r, region in enumerate(REGIONS)
        for i, industry in enumerate(INDUSTRIES)
        if VALUES[r, i]
    ]
    wide_rows = ["region,alpha,beta,gamma"] + [
        ",".join([region, *(f"{v:g}" for v in VALUES[r])]) for r, region in enumerate(REGIONS)
    ]
    from_long = load_statistics(write(tmp_path, "\n".join(long_rows), "long.csv"))
    from_wide = load_statistics(write(tmp_path, "\n".join(wide_rows), "wide.csv"))
    for table in (from_long, from_wide):
        aligned = table.aligned(REGIONS, INDUSTRIES)
        np.testing.assert_allclose(aligned.values, VALUES)
    assert from_wide.source.endswith("wide.csv")


def test_wide_empty_cell_counts_as_zero_and_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffregion,alpha,beta\n110000,3,\n120000,,4\n".encode())
    table = load_statistics(path)
    assert table.values.tolist() == [[3, 0], [0, 4]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("region,industry,value\n110000,alpha,ten\n", "line 2: 'ten' is not a number"),
        ("region,industry,value\n110000,alpha,-1\n", "line 2: '-1' must be a finite number >= 0"),
        ("region,industry,value\n11000,alpha,1\n", "line 2: region '11000' is not a 6-digit adcode"),
        ("region,industry,value\n110000,alpha,1\n\n110000,alpha,2\n", "line 4: region 110000 and industry alpha were already given on line 2"),
        ("region,industry,value\n110000,alpha\n", "line 2: expected 3 columns, found 2"),
        ("region,industry,value\n110000,alpha,\n", "line 2: the value is empty"),
        ("place,what,amount\n110000,alpha,1\n", "line 1: the header must be"),
        ("region,alpha,alpha\n110000,1,2\n", "line 1: industry alpha is given twice"),
        ("region,alpha\n110000,1,2\n", "line 2: expected 2 columns, found 3"),
        ("region,alpha\n110000,1\n110000,2\n", "line 3: region 110000 was already given on line 2"),
        ("region,industry,value\n", "has a header but no data rows"),
        ("\n\n", "the table is empty"),
    ],
)
def test_bad_rows_are_reported_with_their_line(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(DataError) as raised:
        load_statistics(path)
    message = str(raised.value)
    assert message.startswith(str(path) + ": ")
    assert expected in message
    assert "\n" not in message


def test_unknown_codes_and_ids_are_named(tmp_path):
    path = write(tmp_path, "region,industry,value\n990000,alpha,1\n110000,omega,2\n")
    with pytest.raises(DataError) as raised:
        load_statistics(path, region_codes=REGIONS, industry_ids=INDUSTRIES)
    assert "line 2: unknown region code 990000" in str(raised.value)
    assert "line 3: unknown industry id 'omega'" in str(raised.value)


def test_many_problems_are_counted_not_all_listed(tmp_path):
    rows = "\n".join(f"110000,alpha{k},x" for k in range(10))
    with pytest.raises(DataError, match="and 7 more problems"):
        load_statistics(write(tmp_path, "region,industry,value\n" + rows))


def test_missing_and_undecodable_files_raise_data_error(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        load_statistics(tmp_path / "absent.csv")
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"region,industry,value\n110000,caf\xe9,1\n")
    with pytest.raises(DataError, match="not UTF-8, GB18030/GBK or UTF-16"):
        load_statistics(path)
