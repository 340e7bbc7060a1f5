"""variants.tsv.gz's gzip stream: ISA-L level 1, bytes that depend on the text alone, members
that gzip readers concatenate."""

from __future__ import annotations

import gzip
import io
import random
import shutil
import subprocess

import pytest
from isal import isal_zlib

from nenprofile.ingest.variants import table
from nenprofile.ingest.variants.table import (
    GzipMember,
    VariantTableWriter,
    part_path_for,
    table_line,
    write_variant_table,
)
from nenprofile.model import Variant

SLICE = 1 << 16  # several slices in a few hundred kB of text


def _variants(count: int, start: int = 0) -> list[Variant]:
    return [
        Variant(
            f"chr{1 + i % 22}", 1_000_000 + 37 * i, "ACGT"[i % 4], "TGCA"[i % 4],
            gene=f"GENE{i % 300}", variant_class="missense", consequence="missense_variant",
            hgvsc=f"c.{100 + i}A>T", transcript=f"ENST{i % 977:011d}", vaf=(i % 97) / 97,
            depth=30 + i % 200, alt_reads=i % 30, filter="PASS", annotation_source="VEP",
        )
        for i in range(start, start + count)
    ]  # fmt: skip


def _text(variants: list[Variant]) -> bytes:
    header = "\t".join(table.VARIANT_TABLE_COLUMNS)
    return "\n".join([header, *map(table_line, variants)]).encode() + b"\n"


def _member(text: bytes, cuts: list[int]) -> bytes:
    out = io.BytesIO()
    member = GzipMember(out)
    for start, end in zip([0, *cuts], [*cuts, len(text)], strict=True):
        member.write(text[start:end])
    member.close()
    return out.getvalue()


def _isal_as_given(text: bytes, cuts: list[int]) -> bytes:
    deflate = isal_zlib.compressobj(1, isal_zlib.DEFLATED, 31)
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    return b"".join([*map(deflate.compress, pieces), deflate.flush()])


def test_the_same_text_in_other_pieces_gives_the_same_bytes(monkeypatch):
    monkeypatch.setattr(table, "SLICE_BYTES", SLICE)
    text = _text(_variants(3000))
    assert len(text) > 4 * SLICE
    rng = random.Random(18)
    cut_sets = [
        [],
        list(range(4096, len(text), 4096)),
        list(range(SLICE, len(text), SLICE)),
        list(range(SLICE - 1, len(text), SLICE + 1)),
        list(range(3 * SLICE, len(text), 3 * SLICE)),
        sorted(rng.sample(range(1, len(text)), 200)),
        sorted(rng.sample(range(1, len(text)), 7)),
    ]
    whole = _member(text, [])
    for cuts in cut_sets:
        assert _member(text, cuts) == whole, cuts
    # the hazard is real for these pieces: ISA-L given them as they come writes other bytes
    assert _isal_as_given(text, cut_sets[1]) != _isal_as_given(text, [])
    assert gzip.decompress(whole) == text


def test_the_member_is_isal_level_1_of_its_text_in_slices(monkeypatch):
    """Fails on zlib (gzip.GzipFile): other deflate bytes, header XFL 4 and OS 255 there."""
    monkeypatch.setattr(table, "SLICE_BYTES", SLICE)
    text = _text(_variants(3000))
    expected = _isal_as_given(text, list(range(SLICE, len(text), SLICE)))
    assert _member(text, [100, 5000, 70_000]) == expected
    # gzip header: deflate, no flags, mtime 0 (reruns are byte-identical), XFL 0, OS unknown
    assert expected[:10] == bytes.fromhex("1f8b08000000000000ff")


def test_writer_lines_in_other_groupings_give_the_same_file(tmp_path, monkeypatch):
    """The fast loop appends a line at a time, the columnar engine blocks of lines: the
    writer's file is the same either way, and the same as write_variant_table's."""
    monkeypatch.setattr(table, "SLICE_BYTES", SLICE)
    variants = _variants(3000)
    lines = list(map(table_line, variants))
    reference = tmp_path / "reference.tsv.gz"
    write_variant_table(reference, variants)

    for block in (1, 7, 450, 3000):
        raw = io.BytesIO()
        writer = VariantTableWriter(raw, tmp_path / "part")
        for start in range(0, len(lines), block):
            writer.lines.append("\n".join(lines[start : start + block]))
            writer.flush()
        writer.finish()
        assert raw.getvalue() == reference.read_bytes(), block
    assert gzip.decompress(reference.read_bytes()) == _text(variants)


def _two_process_file(tmp_path, own: list[Variant], worker_share: list[Variant]):
    path = tmp_path / "S.variants.tsv.gz"
    with open(path, "wb") as raw:
        writer = VariantTableWriter(raw, part_path_for(path))
        for variant in own:
            writer.add(variant)
        worker = VariantTableWriter(io.BytesIO(), part_path_for(path))  # as in the fork
        worker.start_worker()
        for variant in worker_share:
            worker.add(variant)
        worker.worker_finish()
        writer.append_part()
    return path


def test_a_two_process_file_is_two_members_read_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(table, "SLICE_BYTES", SLICE)
    own, worker_share = _variants(1700), _variants(1300, start=1700)
    path = _two_process_file(tmp_path, own, worker_share)
    data = path.read_bytes()
    expected = _text(own + worker_share)
    assert not part_path_for(path).exists()
    # the second member starts where the first one's text ends: header, no header row
    first_end = len(_member(_text(own), []))
    assert data[first_end : first_end + 10] == data[:10]
    assert gzip.decompress(data[first_end:]) == expected[len(_text(own)) :]
    assert gzip.decompress(data) == expected
    with gzip.open(path, "rt") as handle:
        rows = handle.read().splitlines()
    assert len(rows) == 3001
    assert rows[0].startswith("chrom\tpos\tref\talt\tgene\t")
    # the last row of this process's share, the worker's first and last
    assert rows[1700].split("\t")[:4] == ["chr6", "1062863", "T", "A"]
    assert rows[1701].split("\t")[:4] == ["chr7", "1062900", "A", "T"]
    assert rows[3000].split("\t")[:4] == ["chr8", "1110963", "T", "A"]


@pytest.mark.skipif(shutil.which("gzip") is None, reason="needs gzip on PATH")
def test_gzip_reads_a_two_process_file_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(table, "SLICE_BYTES", SLICE)
    own, worker_share = _variants(1700), _variants(1300, start=1700)
    path = _two_process_file(tmp_path, own, worker_share)
    unzipped = subprocess.run(["gzip", "-dc", str(path)], capture_output=True, check=True)
    assert unzipped.stdout == _text(own + worker_share)
    subprocess.run(["gzip", "-t", str(path)], check=True)
