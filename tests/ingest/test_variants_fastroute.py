"""The tight loops (fastloop.py for VEP, overlaploop.py for unannotated files) give exactly
what the general route (vcf._stream's one_record) gives, on files built to hit every case
they hand back to it: several ALTs, phase sets, caller status, 0/0 and ./. genotypes, zero
alt reads, duplicates, records near a knowledge-base gene, build-marker and hotspot
positions, overlapping genes, renamed gene symbols and non-ASCII bytes."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest

from nenprofile.ingest.variants import read_variants
from nenprofile.ingest.variants import vcf as vcf_module
from nenprofile.ingest.variants.table import VariantTableWriter
from nenprofile.interpret.biomarkers import COUNTERS, BiomarkerSettings
from nenprofile.jobs.profile_sink import ProfileSink
from nenprofile.reference.genes import GeneIndex, GeneSegments
from nenprofile.reference.knowledgebase import load_knowledge_base

CONTIGS = "".join(
    f"##contig=<ID={chrom},length={length}>\n"
    for chrom, length in (("chr1", 248956422), ("chr2", 242193529), ("chr7", 159345973),
                          ("chr12", 133275309), ("chr17", 83257441))
)  # fmt: skip
FORMATS = (
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
    '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fraction">\n'
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">\n'
    '##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set">\n'
)
HEADER = (
    "##fileformat=VCFv4.2\n"
    '##FILTER=<ID=PASS,Description="All filters passed">\n'
    '##FILTER=<ID=weak_evidence,Description="Weak">\n' + FORMATS + CONTIGS
)
COLUMNS = "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR\n"
PLAIN = "GT:AD:AF:DP\t0/1:20,10:0.333:30"
# (chrom, pos, ref, alt, filter, format and tumor column): one line per case
UNANNOTATED_RECORDS = [
    ("chr1", 1000000, "G", "A", "PASS", PLAIN),  # no gene
    ("chr1", 1000000, "G", "A", "PASS", PLAIN),  # duplicate next to its twin
    ("chr1", 1000000, "G", "C", "PASS", PLAIN),  # another allele at the position
    ("chr1", 1000100, "G", "A", "weak_evidence", PLAIN),  # filtered
    ("chr1", 1000200, "G", "A,T", "PASS", "GT:AD:AF:DP\t1/2:10,5,6:0.2,0.25:21"),  # two ALTs
    ("chr1", 1000300, "G", "A", "PASS", "GT:AD:AF:DP\t0/0:30,0:0:30"),  # reference genotype
    ("chr1", 1000400, "G", "A", "PASS", "GT:AD:AF:DP\t./.:.:.:."),  # no call
    ("chr1", 1000500, "G", "A", "PASS", "GT:AD:AF:DP\t0/1:30,0:0:30"),  # zero alt reads
    ("chr1", 1000600, "G", "A", "PASS", "GT:AD:AF:DP:PS\t0|1:20,10:0.333:30:1000600"),  # phase
    ("chr1", 1000700, "G", "A", "PASS", "GT:AD:AF:DP:PS\t0|1:20,10:0.333:30:1000600"),
    ("chr1", 1000800, "G", "A", "PASS", "GT:AD:AF:DP\t0|1:20,10:0.333:30"),  # phased, no PS
    ("chr1", 1000900, "G", "<DEL>", "PASS", PLAIN),  # symbolic
    ("chr1", 1001000, "G", ".", "PASS", PLAIN),  # reference only
    ("chr1", 1001100, "G", "A", "PASS", "GT:AD:AF:DP\t0/2:20,10:0.333:30"),  # unusual genotype
    ("chr1", 1001200, "G", "A", "PASS", "GT:AD:DP\t0/1:20,10:30"),  # VAF from AD
    ("chr1", 1001300, "G", "A", "PASS", "GT:AD:AF:DP\t0/1:20,10:.:30"),  # AF missing
    ("chr1", 1001400, "G", "A", "PASS", "AD:AF:DP\t20,10:0.333:30"),  # no GT
    ("chr1", 1001500, "G", "A", "PASS", "GT:AD:AF:DP\t1/1:0,30:1.0:30"),
    ("chr1", 1001600, "G", "A", "PASS", "GT:AD:AF:DP\t0/1:20,10:0.333"),  # tumor column cut short
    ("chr1", 999000, "G", "A", "PASS", PLAIN),  # unsorted
    ("chr2", 47807000, "A", "G", "PASS", PLAIN),  # FBXO11 and MSH6 overlap here
    ("chr7", 140753336, "A", "T", "PASS", PLAIN),  # BRAF V600E: hotspot and build marker
    ("chr12", 49020000, "C", "T", "PASS", "GT:AD:AF:DP\t0/1:60,40:0.4:100"),  # KMT2D
    ("chr17", 7675000, "C", "T", "PASS", "GT:AD:AF:DP\t0/1:50,50:0.5:100"),  # TP53
    ("chr17", 7675000, "C", "T", "PASS", "GT:AD:AF:DP\t0/1:50,50:0.5:100"),
    ("chr17", 7675100, "C", "CA", "PASS", "GT:AD:AF:DP\t0/1:50,25:0.333:75"),
]


def _vcf(records: list[tuple[str, int, str, str, str, str]], header: str = HEADER) -> str:
    lines = [
        f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t.\t{flt}\t.\t{sample}"
        for chrom, pos, ref, alt, flt, sample in records
    ]
    return header + COLUMNS + "\n".join(lines) + "\n"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


@pytest.fixture
def general_route(monkeypatch):
    """Turn both tight loops off: every record goes through one_record."""

    def general() -> None:
        monkeypatch.setattr(vcf_module, "overlap_fast_loop", lambda *a, **k: None)
        monkeypatch.setattr(vcf_module, "vep_fast_loop", lambda *a, **k: None)

    return general


@pytest.fixture
def loops_used(monkeypatch):
    """The tight loops vcf.py built (names), so a test knows the fast route ran."""
    built: list[str] = []
    for name in ("overlap_fast_loop", "vep_fast_loop"):
        real = getattr(vcf_module, name)

        def spy(*args, _real=real, _name=name, **kwargs):
            loop = _real(*args, **kwargs)
            if loop is not None:
                built.append(_name)
            return loop

        monkeypatch.setattr(vcf_module, name, spy)
    return built


def _streamed(path: Path, genes: frozenset[str]) -> tuple[object, ...]:
    """What profile_sample keeps of one file: result, KB variants, TMB tally, table bytes."""
    raw = io.BytesIO()
    sink = ProfileSink(genes, BiomarkerSettings(), VariantTableWriter(raw, "/nonexistent"))
    result = read_variants(str(path), consumer=sink, genes=genes)
    sink.finish()
    tally = {name: getattr(sink.tally, name) for name in COUNTERS}
    return result, sink.kept(), tally, gzip.decompress(raw.getvalue()), sink.duplicates


def _both_routes(path, general_route, **options):
    fast = read_variants(str(path), **options)
    genes = load_knowledge_base().genes
    fast_streamed = _streamed(path, genes)
    general_route()
    return (fast, fast_streamed), (read_variants(str(path), **options), _streamed(path, genes))


def test_unannotated_fast_route_equals_general_route(tmp_path, general_route, loops_used):
    path = _write(tmp_path, "wes.vcf", _vcf(UNANNOTATED_RECORDS))
    (fast, fast_streamed), (general, general_streamed) = _both_routes(path, general_route)
    assert loops_used == ["overlap_fast_loop", "overlap_fast_loop"]
    assert fast == general
    assert fast_streamed == general_streamed
    counts = fast.counts
    assert (counts["records_read"], counts["passed"], counts["variants"]) == (26, 24, 19)
    assert counts["duplicate_skipped"] == 2
    assert counts["filtered"] == counts["homref_skipped"] == counts["nocall_skipped"] == 1
    assert counts["no_alt_reads_skipped"] == counts["symbolic_skipped"] == 1
    assert counts["reference_only_skipped"] == counts["multiallelic_split"] == 1
    assert counts["unsorted_records"] == 1  # chr1:999000
    assert counts["positional_hotspot_matches"] == 1
    by_pos = {(v.chrom, v.pos, v.alt): v for v in fast.variants}
    assert by_pos[("chr2", 47807000, "G")].gene == "FBXO11"
    assert by_pos[("chr2", 47807000, "G")].extra == {"overlapping_genes": ["FBXO11", "MSH6"]}
    braf = by_pos[("chr7", 140753336, "T")]
    assert (braf.gene, braf.hgvsp, braf.variant_class) == ("BRAF", "p.V600E", "missense")
    assert by_pos[("chr1", 1000600, "A")].extra == {
        "phased_genotype": "0|1",
        "phase_set": "1000600",
    }
    assert by_pos[("chr1", 1000800, "A")].extra == {}
    assert (by_pos[("chr1", 1001200, "A")].vaf, by_pos[("chr1", 1001200, "A")].depth) == (
        0.333333,
        30,
    )
    tp53 = by_pos[("chr17", 7675000, "T")]
    assert (tp53.gene, tp53.vaf, tp53.depth, tp53.alt_reads) == ("TP53", 0.5, 100, 50)
    assert tp53.annotation_source == "gene-overlap" and tp53.variant_class == "unknown"


@pytest.mark.parametrize(
    "options",
    [{"pass_only": False}, {"allowed_filters": ("weak_evidence",)},
     {"min_vaf": 0.34, "min_depth": 50}],
)  # fmt: skip
def test_unannotated_fast_route_equals_general_route_with_filters(tmp_path, general_route, options):
    path = _write(tmp_path, "wes.vcf", _vcf(UNANNOTATED_RECORDS))
    (fast, fast_streamed), (general, general_streamed) = _both_routes(
        path, general_route, **options
    )
    assert fast == general and fast_streamed == general_streamed
    assert fast.variants


def test_non_ascii_and_caller_status_files_leave_the_fast_route_with_equal_results(
    tmp_path, general_route, loops_used
):
    """Non-ASCII bytes send the whole file to cyvcf2; FORMAT SS to the general route."""
    records = [*UNANNOTATED_RECORDS[:3], ("chr1", 1000050, "G", "A", "PASS", PLAIN)]
    text = _vcf(records).replace("chr1\t1000050\t.", "chr1\t1000050\tß1")
    accented = _write(tmp_path, "accented.vcf", text)
    status_header = HEADER + '##FORMAT=<ID=SS,Number=1,Type=Integer,Description="Status">\n'
    status = _write(
        tmp_path,
        "status.vcf",
        _vcf(
            [("chr1", 1000000, "G", "A", "PASS", "GT:AD:AF:DP:SS\t0/1:20,10:0.333:30:1"),
             ("chr1", 1000100, "G", "A", "PASS", "GT:AD:AF:DP:SS\t0/1:20,10:0.333:30:2")],
            status_header,
        ),
    )  # fmt: skip
    fast = [read_variants(str(p)) for p in (accented, status)]
    assert loops_used == ["overlap_fast_loop"]  # built for the accented file, then left
    general_route()
    assert fast == [read_variants(str(p)) for p in (accented, status)]
    assert [len(r.variants) for r in fast] == [3, 1]
    assert fast[1].counts["germline_status_skipped"] == 1


VEP_FIELDS = (
    "Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|EXON|INTRON|HGVSc|"
    "HGVSp|Existing_variation|PICK|CANONICAL|MANE_SELECT|gnomAD_AF|gnomADe_AF|MAX_AF|CLIN_SIG"
)
VEP_HEADER = (
    "##fileformat=VCFv4.2\n"
    '##FILTER=<ID=PASS,Description="All filters passed">\n'
    '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from '
    f'Ensembl VEP. Format: {VEP_FIELDS}">\n' + FORMATS + CONTIGS
)


def _csq(alt: str, gene: str, consequence: str, change: str, pick: str = "1") -> str:
    return (
        f"{alt}|{consequence}|X|{gene}|ENSG1|Transcript|ENST{gene}|protein_coding|3/9||"
        f"ENST{gene}.1:c.10C>T|ENSP{gene}.1:{change}||{pick}|YES||0.0001|0.0002|0.0003|"
    )


def _vep_line(chrom: str, pos: int, ref: str, alt: str, csq: str, sample: str = PLAIN) -> str:
    return f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t.\tPASS\tCSQ={csq}\t{sample}"


VEP_LINES = [
    # MLL2 (KMT2D's previous symbol) far from any knowledge-base gene: the loop renames it
    _vep_line("chr1", 2000000, "C", "T", _csq("T", "MLL2", "missense_variant", "p.Arg5Cys")),
    _vep_line("chr1", 2000000, "C", "T", _csq("T", "MLL2", "missense_variant", "p.Arg5Cys")),
    _vep_line("chr1", 2000100, "C", "T", _csq("T", "GENE1", "missense_variant", "p.Arg6Cys")),
    # the first entry is not the PICK one: CsqParser chooses
    _vep_line("chr1", 2000200, "C", "T",
              _csq("T", "GENE2", "intron_variant", "", pick="") + ","
              + _csq("T", "GENE2", "stop_gained", "p.Arg7Ter")),
    _vep_line("chr1", 2000300, "C", "T,G",
              _csq("T", "GENE3", "missense_variant", "p.Arg8Cys") + ","
              + _csq("G", "GENE3", "missense_variant", "p.Arg8Gly"),
              "GT:AD:AF:DP\t1/2:10,5,6:0.2,0.25:21"),
    _vep_line("chr1", 2000400, "C", "T", _csq("T", "GENE4", "missense_variant", "p.Arg9Cys"),
              "GT:AD:AF:DP:PS\t0|1:20,10:0.333:30:2000400"),
    _vep_line("chr1", 2000500, "C", "T", _csq("T", "GENE5", "missense_variant", "p.Arg1Cys"),
              "GT:AD:AF:DP\t0/0:30,0:0:30"),
    _vep_line("chr1", 2000600, "C", "T", _csq("T", "GENE6", "missense_variant", "p.Arg2Cys"),
              "GT:AD:AF:DP\t0/1:30,0:0:30"),
    # near TP53 (a knowledge-base gene) with a neighbour's entry first: per-gene choice
    _vep_line("chr17", 7675000, "C", "T",
              _csq("T", "WRAP53", "missense_variant", "p.Arg3Cys") + ","
              + _csq("T", "TP53", "stop_gained", "p.Arg4Ter", pick="")),
    _vep_line("chr7", 140753336, "A", "T", _csq("T", "BRAF", "missense_variant", "p.Val600Glu")),
]  # fmt: skip


def test_vep_fast_route_equals_general_route(tmp_path, general_route, loops_used):
    path = _write(tmp_path, "vep.vcf", VEP_HEADER + COLUMNS + "\n".join(VEP_LINES) + "\n")
    (fast, fast_streamed), (general, general_streamed) = _both_routes(path, general_route)
    assert loops_used == ["vep_fast_loop", "vep_fast_loop"]
    assert fast == general
    assert fast_streamed == general_streamed
    assert fast.gene_names["renamed"] == 1  # the duplicate is not counted twice
    assert fast.gene_names["renamed_examples"] == ["MLL2 -> KMT2D"]
    genes = [(v.pos, v.alt, v.gene, v.hgvsp) for v in fast.variants]
    assert genes == [
        (2000000, "T", "KMT2D", "p.R5C"),
        (2000100, "T", "GENE1", "p.R6C"),
        (2000200, "T", "GENE2", "p.R7*"),
        (2000300, "T", "GENE3", "p.R8C"),
        (2000300, "G", "GENE3", "p.R8G"),
        (2000400, "T", "GENE4", "p.R9C"),
        (7675000, "T", "TP53", "p.R4*"),
        (140753336, "T", "BRAF", "p.V600E"),
    ]
    assert fast.counts["duplicate_skipped"] == 1
    assert fast.counts["homref_skipped"] == fast.counts["no_alt_reads_skipped"] == 1


def test_gene_segments_give_the_genes_of_every_position():
    """GeneSegments (bisection) against a plain scan of the spans, at every gene edge."""
    for build in ("GRCh37", "GRCh38"):
        index = GeneIndex.load(build)
        for chrom, start, end in index.spans.values():
            for pos in (start - 1, start, start + 1, end - 1, end, end + 1):
                expected = sorted(
                    g for g, (c, s, e) in index.spans.items() if c == chrom and s <= pos <= e
                )
                assert index.genes_at(chrom, pos) == expected
                assert list(index.segments(chrom).genes_at(pos)) == expected
    assert GeneIndex.load("GRCh38").genes_at("17", 7675000) == ["TP53"]
    assert GeneIndex.load("GRCh38").genes_at("chrUn", 5) == []


def test_gene_segments_bounds():
    segments = GeneSegments.of([(10, 20, "A"), (15, 30, "B")])
    assert segments.breaks == [10, 15, 21, 31]
    assert segments.genes == [("A",), ("A", "B"), ("B",), ()]
    assert [segments.genes_at(p) for p in (9, 10, 14, 15, 20, 21, 30, 31)] == [
        (), ("A",), ("A",), ("A", "B"), ("A", "B"), ("B",), ("B",), (),
    ]  # fmt: skip
    assert segments.bounds(-1) == (-(1 << 62), 10)
    assert segments.bounds(1) == (15, 21)
    assert segments.bounds(3) == (31, 1 << 62)


def test_a_single_file_profile_sink_gets_only_knowledge_base_variants_one_by_one(
    tmp_path, general_route, monkeypatch
):
    """The overlap loop adds a variant outside the sink's genes to its table and TMB tally
    itself (as ProfileSink.add would); the rest still pass through add()."""
    path = _write(tmp_path, "wes.vcf", _vcf(UNANNOTATED_RECORDS))
    genes = load_knowledge_base().genes
    added: list[str | None] = []
    real_add = ProfileSink.add

    def spy(self, variant):
        added.append(variant.gene)
        real_add(self, variant)

    monkeypatch.setattr(ProfileSink, "add", spy)
    fast = _streamed(path, genes)
    # the records the loop hands to the general route (two ALTs, three phased, a 0/2
    # genotype), then the BRAF hotspot and the variants in KMT2D and TP53
    assert added == [None] * 6 + ["BRAF", "KMT2D", "TP53", "TP53"]
    added.clear()
    general_route()
    assert _streamed(path, genes) == fast
    assert len(added) == 19
    _, _, tally, table, _ = fast
    assert tally == {"variants": 19, "unknown_class": 18, "coding": 1, "coding_indels": 0,
                     "any_class": 19, "any_class_indels": 1}  # fmt: skip
    assert table.count(b"\n") == 20
