"""variants.tsv.gz is written a chunk at a time: the lines of a chunk are checked at once,
and a chunk with a line that needs escaping or the formula guard is made line by line, so
every line is table_line's whatever chunk it falls in."""

from __future__ import annotations

import gzip
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from nenprofile.ingest.variants import table as table_module
from nenprofile.ingest.variants.table import VariantTableWriter, plain_cells_line, table_line
from nenprofile.model import Variant

HOSTILE = st.text(alphabet=st.sampled_from("A=+-@'\t\n\r\\é"), max_size=4)


def written_lines(variants: list[Variant], blocks: dict[int, str] | None = None) -> list[str]:
    """The table's lines after the header, blocks[i] added as text before variants[i]."""
    raw = io.BytesIO()
    writer = VariantTableWriter(raw, "/nonexistent/part")
    for i, variant in enumerate(variants):
        if blocks and i in blocks:
            writer.add_text(blocks[i])
        writer.add(variant)
    writer.finish()
    return gzip.decompress(raw.getvalue()).decode().split("\n")[1:-1]


def plain(pos: int, **fields) -> Variant:
    return Variant("chr1", pos, "A", "T", **({"vaf": 0.25, "depth": 40, "alt_reads": 10} | fields))


def test_a_plain_chunk_is_written_from_its_usual_lines(monkeypatch):
    made_again = []
    monkeypatch.setattr(table_module, "table_line", lambda v: made_again.append(v) or "")
    variants = [plain(5, gene="NKX2-1", annotation_source="gene-overlap"), plain(7, gene="TP53")]
    assert written_lines(variants) == [
        "chr1\t5\tA\tT\tNKX2-1\tunknown\t\t\t\t\t0.25\t40\t10\t\t\tPASS\tgene-overlap",
        "chr1\t7\tA\tT\tTP53\tunknown\t\t\t\t\t0.25\t40\t10\t\t\tPASS\tnone",
    ]
    assert made_again == []


def test_one_line_needing_the_guard_makes_its_chunk_line_by_line():
    variants = [plain(5), plain(6, gene="=X", hgvsc="c.1\tA"), plain(7, consequence="-y")]
    lines = written_lines(variants)
    assert lines == [table_line(v) for v in variants]
    assert lines[1].split("\t")[4:8] == ["'=X", "unknown", "", "c.1\\tA"]
    assert lines[2].split("\t")[6] == "'-y"


def test_a_value_of_another_type_is_formatted_by_format_cell():
    variants = [plain(5), plain(6, vaf=True, depth=3.0)]  # type: ignore[arg-type]
    lines = written_lines(variants)
    assert lines[1].split("\t")[10:12] == ["true", "3"]
    assert lines == [table_line(v) for v in variants]


def test_text_blocks_keep_their_place_among_the_variants():
    variants = [plain(5), plain(6), plain(7)]
    lines = written_lines(variants, {1: "block one\tx", 2: "block two\nblock three"})
    assert lines == [
        table_line(variants[0]), "block one\tx", table_line(variants[1]),
        "block two", "block three", table_line(variants[2]),
    ]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(
    cells=st.lists(
        st.tuples(HOSTILE, HOSTILE, HOSTILE, st.sampled_from(["PASS", "-", "=q", "a;b"])),
        min_size=1,
        max_size=8,
    )
)
def test_every_line_is_table_lines_whatever_its_chunk_holds(cells):
    variants = [
        Variant(f"chr{i}", i, "A", "T", gene=g or None, consequence=c or None, hgvsp=p or None,
                filter=f, vaf=0.5, annotation_source="gene-overlap")
        for i, (g, c, p, f) in enumerate(cells, start=1)
    ]  # fmt: skip
    assert written_lines(variants) == [table_line(v) for v in variants]


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            HOSTILE.filter(lambda t: "\t" not in t and "\n" not in t),  # text of a VCF field
            st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
            st.one_of(st.none(), st.integers(-5, 10**6)),
            st.sampled_from(["PASS", "-x", "=1", "+1", "@a", "'q", "-5", "é"]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_lines_the_overlap_loop_makes_are_table_lines(rows):
    """plain_cells_line (the overlap loop's variants outside the sink's genes), among
    variants, written as table_line writes their Variant."""
    raw = io.BytesIO()
    writer = VariantTableWriter(raw, "/nonexistent/part")
    expected = []
    for i, (text, vaf, depth, flt) in enumerate(rows, start=1):
        values = ("chr" + text, i, text or "A", "T", text or None, vaf, depth, depth, flt)
        writer.add_cells(plain_cells_line(*values))
        chrom, pos, ref, alt, gene = values[:5]
        variant = Variant(chrom, pos, ref, alt, gene, vaf=vaf, depth=depth, alt_reads=depth,
                          filter=flt, annotation_source="gene-overlap")  # fmt: skip
        expected.append(table_line(variant))
        writer.add(variant)
        expected.append(table_line(variant))
    writer.finish()
    assert gzip.decompress(raw.getvalue()).decode().split("\n")[1:-1] == expected
