"""Bundled Cancer Hotspots table: parsing of protein changes, lookups, Horak OS3/OM3/OP3."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from nenprofile.data.build_protein_hotspots import build
from nenprofile.reference.hotspots import HotspotTable, is_hotspot, parse_hgvsp

REPO_DATA = Path(__file__).resolve().parents[2] / "src" / "nenprofile" / "data"


@pytest.fixture(scope="module")
def table() -> HotspotTable:
    return HotspotTable.load()


@pytest.mark.parametrize(
    ("hgvsp", "kind", "start", "end", "alt"),
    [
        ("p.V600E", "substitution", 600, 600, "E"),
        ("p.Val600Glu", "substitution", 600, 600, "E"),
        ("ENSP00000288602.6:p.V600E", "substitution", 600, 600, "E"),
        ("p.R130*", "substitution", 130, 130, "*"),
        ("p.Arg130Ter", "substitution", 130, 130, "*"),
        ("p.X70_splice", "splice", 70, 70, "splice"),
        ("p.E746_A750del", "inframe_indel", 746, 750, "E746_A750del"),
        ("p.K546del", "inframe_indel", 546, 546, "K546del"),
        ("p.Y772_A775dup", "inframe_indel", 772, 775, "Y772_A775dup"),
    ],
)
def test_parse_hgvsp(hgvsp: str, kind: str, start: int, end: int, alt: str) -> None:
    change = parse_hgvsp(hgvsp)
    assert change is not None
    assert (change.kind, change.start, change.end, change.alt) == (kind, start, end, alt)


@pytest.mark.parametrize("hgvsp", [None, "", "p.V600=", "p.R130fs", "p.K10Rfs*5", "p.?"])
def test_parse_hgvsp_returns_none_for_unmatchable(hgvsp: str | None) -> None:
    assert parse_hgvsp(hgvsp) is None


def test_table_holds_all_non_3d_hotspots(table: HotspotTable) -> None:
    # 904 single residue + 55 in-frame indel + 86 splice site rows in the source
    assert len(table) == 1045
    assert {"BRAF", "PIK3CA", "TP53", "PTEN"} <= table.genes


def test_braf_v600e_meets_os3(table: HotspotTable) -> None:
    hit = table.lookup("BRAF", "p.V600E")
    assert hit is not None
    assert (hit.residue, hit.type, hit.tumor_count, hit.same_change_count) == (
        "V600",
        "single_residue",
        897,
        833,
    )
    assert hit.meets_os3 and hit.horak_code == "OS3"


def test_rare_change_at_hotspot_is_op3(table: HotspotTable) -> None:
    hit = table.lookup("BRAF", "p.V600R")
    assert hit is not None
    assert hit.same_change_count == 4
    assert not hit.meets_os3 and hit.horak_code == "OP3"


def test_pik3ca_h1047r_and_pten_r130_stop(table: HotspotTable) -> None:
    h1047r = table.lookup("PIK3CA", "p.H1047R")
    r130 = table.lookup("PTEN", "p.R130*")
    assert h1047r is not None and (h1047r.tumor_count, h1047r.same_change_count) == (647, 537)
    assert r130 is not None and (r130.tumor_count, r130.same_change_count) == (168, 38)
    assert r130.meets_os3


def test_inframe_indel_region(table: HotspotTable) -> None:
    exact = table.lookup("EGFR", "p.E746_A750del")
    assert exact is not None
    assert (exact.residue, exact.type, exact.tumor_count, exact.same_change_count) == (
        "745-759",
        "inframe_indel",
        155,
        123,
    )
    other = table.lookup("EGFR", "p.L747_A750del")
    assert other is not None and other.same_change_count == 0 and not other.meets_os3
    assert table.lookup("EGFR", "p.E800del") is None


def test_tp53_indel_below_50_tumors_is_om3(table: HotspotTable) -> None:
    hit = table.lookup("TP53", "p.P177_C182del")
    assert hit is not None
    assert (hit.tumor_count, hit.same_change_count, hit.horak_code) == (21, 10, "OM3")


def test_splice_site(table: HotspotTable) -> None:
    hit = table.lookup("TP53", "p.X187_splice")
    assert hit is not None
    assert (hit.type, hit.tumor_count, hit.same_change_count, hit.meets_os3) == (
        "splice_site",
        100,
        100,
        True,
    )
    assert table.lookup("TP53", "p.X188_splice") is None


def test_no_hit_for_other_residue_reference_or_gene(table: HotspotTable) -> None:
    assert table.lookup("TP53", "p.P72R") is None
    assert table.lookup("BRAF", "p.A600E") is None  # wrong reference residue: other numbering
    assert table.lookup("NOTAGENE", "p.V600E") is None
    assert table.lookup(None, "p.V600E") is None
    assert is_hotspot("KRAS", "p.G12D")
    assert not is_hotspot("KRAS", "p.G15D")


def test_builder_keeps_non_3d_rows(tmp_path, shared_data) -> None:
    source = shared_data / "hotspots" / "genomenexus_hotspots_v2_and_3d.grch37_ensembl92.txt"
    output = tmp_path / "hotspots.tsv"
    assert build(source, output) == 1045
    with output.open() as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert {row["type"] for row in rows} == {"single_residue", "inframe_indel", "splice_site"}
    bundled = REPO_DATA / "hotspots_protein.tsv"
    assert output.read_bytes() == bundled.read_bytes()  # bundled table is reproducible
