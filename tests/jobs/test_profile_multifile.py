"""One sample, several variant files: merged into one variant per (chrom, pos, ref, alt), the
files listed, TMB counting each once, and every file disclosed (issue #14 points 8-10)."""

from __future__ import annotations

import copy
import csv
import gzip
import json
from pathlib import Path

import pytest

from nenprofile.ingest.sheet import load_sample_sheet, validate_config
from nenprofile.interpret.biomarkers import BiomarkerSettings
from nenprofile.jobs.profile import profile_sample
from nenprofile.jobs.profile_sink import ProfileSink
from nenprofile.model import Variant

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "workflow" / "schemas"
VCF = REPO / "tests" / "data" / "vcf"

HEADER = (
    "##fileformat=VCFv4.2\n"
    "##source={source}\n"
    "##contig=<ID=chr17,length=83257441>\n"
    "##contig=<ID=chr12,length=133275309>\n"
    "##INFO=<ID=ANN,Number=.,Type=String,Description=\"Functional annotations: 'Allele | "
    "Annotation | Annotation_Impact | Gene_Name | Gene_ID | Feature_Type | Feature_ID | "
    "Transcript_BioType | Rank | HGVS.c | HGVS.p | cDNA.pos / cDNA.length | CDS.pos / "
    "CDS.length | AA.pos / AA.length | Distance | ERRORS / WARNINGS / INFO'\">\n"
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="GT">\n'
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="AD">\n'
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="DP">\n'
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNORMAL\tTUMOR\n"
)


def record(chrom: str, pos: int, ref: str, alt: str, gene: str, hgvsp: str, ad: str) -> str:
    ann = f"{alt}|missense_variant|MODERATE|{gene}|{gene}|transcript|ENST1|protein_coding|1/2|c.1A>T|{hgvsp}|||||"
    depth = sum(int(n) for n in ad.split(","))
    return f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t.\tPASS\tANN={ann}\tGT:AD:DP\t0/0:50,0:50\t0/1:{ad}:{depth}\n"


TP53 = ("chr17", 7673802, "C", "T", "TP53", "p.Arg273His")
KMT2D_OLD_NAME = ("chr12", 49040000, "G", "A", "MLL2", "p.Arg100Gln")
OTHER_ONE = ("chr17", 7670000, "G", "T", "TP53", "p.Gly10Val")
OTHER_TWO = ("chr12", 49030000, "C", "G", "KMT2D", "p.Ala5Gly")


def write_vcf(path: Path, source: str, rows: list[str]) -> Path:
    path.write_text(HEADER.format(source=source) + "".join(rows))
    return path


def run_profile(
    tmp_path: Path, cell: str, normal: str = "NORMAL"
) -> tuple[dict, list[dict[str, str]], dict]:
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(f"sample\tvcf\ttumor_sample\tnormal_sample\nS1\t{cell}\tTUMOR\t{normal}\n")
    config = validate_config({"cohort": "t", "samples": str(sheet)}, SCHEMAS / "config.schema.yaml")
    row = load_sample_sheet(sheet, SCHEMAS / "samples.schema.yaml").rows["S1"]
    outputs = {
        name: str(tmp_path / f"S1.{name}.{ext}")
        for name, ext in (("variants", "tsv.gz"), ("alterations", "tsv"),
                          ("biomarkers", "json"), ("therapies", "tsv"), ("ingest", "json"))
    }  # fmt: skip
    files = row["vcf"].split(";")  # as Snakemake passes a list of inputs
    profile_sample(inputs={"variants": files}, outputs=outputs, params={"record": row},
                   config=config, wildcards={"sample": "S1"})  # fmt: skip
    with open(outputs["alterations"], newline="") as handle:
        alterations = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    biomarkers = json.loads(Path(outputs["biomarkers"]).read_text())
    return biomarkers, alterations, json.loads(Path(outputs["ingest"]).read_text())


def test_a_variant_in_two_callers_files_is_one_variant_counted_once(tmp_path):
    first = write_vcf(
        tmp_path / "mutect2.vcf",
        "Mutect2",
        [record(*TP53, ad="60,40"), record(*OTHER_ONE, ad="70,30")],
    )
    second = write_vcf(
        tmp_path / "vardict.vcf",
        "VarDict",
        [record(*TP53, ad="50,50"), record(*OTHER_TWO, ad="80,20")],
    )
    biomarkers, alterations, ingest = run_profile(tmp_path, f"{first.name};{second.name}")
    tp53 = [a for a in alterations if a["hgvsp"] == "p.R273H"]
    assert len(tp53) == 1
    # the first file's VAF and depth win; both files are listed
    assert (tp53[0]["vaf"], tp53[0]["depth"]) == ("0.4", "100")
    assert tp53[0]["sources"] == "mutect2.vcf, vardict.vcf"
    assert {a["sources"] for a in alterations if a["hgvsp"] != "p.R273H"} == {
        "mutect2.vcf",
        "vardict.vcf",
    }
    # three distinct missense variants, not four
    assert biomarkers["tmb"]["n_mutations"] == 3
    assert ingest["counts"]["merged_across_files"] == 1
    assert [(f["path"].rsplit("/", 1)[1], f["records_read"], f["merged"]) for f in
            ingest["variant_inputs"]] == [("mutect2.vcf", 2, 0), ("vardict.vcf", 2, 1)]  # fmt: skip
    assert ingest["input_path"] == f"{first};{second}"


def test_one_variant_in_both_files_counts_once(tmp_path):
    first = write_vcf(tmp_path / "a.vcf", "Mutect2", [record(*TP53, ad="60,40")])
    second = write_vcf(tmp_path / "b.vcf", "VarDict", [record(*TP53, ad="50,50")])
    biomarkers, alterations, _ingest = run_profile(tmp_path, f"{first.name};{second.name}")
    assert biomarkers["tmb"]["n_mutations"] == 1
    assert len(alterations) == 1


def test_an_old_gene_symbol_in_the_annotation_becomes_the_hgnc_symbol(tmp_path):
    vcf = write_vcf(tmp_path / "old.vcf", "Mutect2", [record(*KMT2D_OLD_NAME, ad="60,40")])
    _biomarkers, alterations, ingest = run_profile(tmp_path, vcf.name)
    assert [a["gene"] for a in alterations] == ["KMT2D"]
    assert ingest["gene_names"] == {
        "renamed": 1,
        "renamed_examples": ["MLL2 -> KMT2D"],
        "ambiguous_kept": 0,
        "ambiguous_examples": [],
    }
    assert ingest["variant_inputs"][0]["gene_names"]["renamed"] == 1
    assert "sources" not in ingest or alterations[0]["sources"] == ""


def test_a_strelka_snv_file_alone_is_warned_about_and_the_pair_is_not(tmp_path):
    snv, indel = VCF / "strelka2_snv.vcf", VCF / "strelka2_indel.vcf"
    _b, _a, alone = run_profile(tmp_path, str(snv))
    assert (
        "Strelka SNV file given without its indel file (strelka2_snv.vcf): the sample's indels "
        "are missing, which lowers TMB and can hide drivers. Fix: list both Strelka files "
        "(somatic.snvs and somatic.indels) in the vcf cell, separated by ';'"
    ) in alone["warnings"]
    _b, _a, pair = run_profile(tmp_path, f"{snv};{indel}")
    assert not [w for w in pair["warnings"] if "Strelka" in w]
    assert pair["caller"] == "Strelka2"
    assert [f["variants"] for f in pair["variant_inputs"]] == [1, 1]


def test_each_file_is_checked_against_the_samples_build(tmp_path):
    from nenprofile.errors import InputError

    grch37 = VCF / "grch37_hotspots_nocontig.vcf"
    other = write_vcf(tmp_path / "b.vcf", "Mutect2", [record(*TP53, ad="60,40")])
    with pytest.raises(InputError) as refused:
        run_profile(tmp_path, f"{other};{grch37}", normal="")
    assert refused.value.path == str(grch37)
    assert refused.value.column == "genome_build"
    assert "the records are on GRCh37" in str(refused.value)


def variant(pos: int, gene: str = "TP53", vaf: float = 0.3) -> Variant:
    return Variant("chr17", pos, "C", "T", gene=gene, variant_class="missense", vaf=vaf)


def test_the_worker_of_a_two_process_read_merges_with_earlier_files():
    sink = ProfileSink({"TP53"}, BiomarkerSettings())
    sink.start_file("a.vcf")
    sink.add(variant(100))
    sink.end_file()
    sink.start_file("b.vcf")
    worker = copy.deepcopy(sink)  # what fork gives the worker
    worker.start_worker()
    worker.add(variant(100, vaf=0.9))
    worker.add(variant(200))
    sink.add(variant(300))
    sink.merge(worker.worker_result())
    sink.end_file()
    assert [(v.pos, v.vaf, v.extra["sources"]) for v in sink.kept()] == [
        (100, 0.3, ["a.vcf", "b.vcf"]),
        (300, 0.3, ["b.vcf"]),
        (200, 0.3, ["b.vcf"]),
    ]
    assert (sink.merged, sink.tally.coding) == (1, 3)


def test_a_restart_in_a_second_file_keeps_the_first_files_variants():
    sink = ProfileSink({"TP53"}, BiomarkerSettings())
    sink.start_file("a.vcf")
    sink.add(variant(100))
    sink.end_file()
    sink.start_file("b.vcf")
    sink.add(variant(200))
    sink.restart()  # the reader starts b.vcf again with another engine
    sink.add(variant(200))
    assert [v.pos for v in sink.kept()] == [100, 200]
    assert (sink.tally.variants, sink.tally.coding) == (2, 2)


@pytest.mark.shared
def test_real_bcbio_callers_merge_each_shared_variant_once(tmp_path, shared_data):
    """umccr's MB test calls of Strelka2, Mutect2 and VarDict on one region (MIT)."""
    from nenprofile.ingest.variants import read_variants

    names = [f"umccr_MB_test-{c}.snpeff.grch37.vcf.gz" for c in ("strelka2", "mutect2", "vardict")]
    paths = [shared_data / "vcf" / n for n in names]
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(f"sample\tvcf\tgenome_build\nS1\t{';'.join(map(str, paths))}\tGRCh37\n")
    config = validate_config(
        {"cohort": "t", "samples": str(sheet), "filters": {"pass_only": False}},
        SCHEMAS / "config.schema.yaml",
    )
    row = load_sample_sheet(sheet, SCHEMAS / "samples.schema.yaml").rows["S1"]
    outputs = {n: str(tmp_path / f"S1.{n}") for n in
               ("variants", "alterations", "biomarkers", "therapies", "ingest")}  # fmt: skip
    profile_sample(inputs={"variants": [str(p) for p in paths]}, outputs=outputs,
                   params={"record": row}, config=config, wildcards={"sample": "S1"})  # fmt: skip
    ingest = json.loads(Path(outputs["ingest"]).read_text())
    # independently: the keys each file gives that may count toward TMB, and their overlap
    seen: set[tuple] = set()
    expected_merged = []
    for path in paths:
        result = read_variants(str(path), build="GRCh37", pass_only=False)
        keys = {(v.chrom, v.pos, v.ref, v.alt) for v in result.variants}
        expected_merged.append(len(keys & seen))
        seen |= keys
    assert [f["merged"] for f in ingest["variant_inputs"]] == expected_merged == [0, 12, 14]
    assert [f["caller"] for f in ingest["variant_inputs"]] == ["Strelka2", "Mutect2", "VarDict"]
    assert {f["build"] for f in ingest["variant_inputs"]} == {"GRCh37"}
    assert [f["variants"] for f in ingest["variant_inputs"]] == [27, 12, 38]
    with gzip.open(outputs["variants"], "rt") as table:
        assert len(table.read().splitlines()) == 1 + 27 + 12 + 38
    assert ingest["caller"] == "Strelka2 + Mutect2 + VarDict"


def test_past_the_key_cap_only_coding_and_gene_keys_are_remembered(monkeypatch):
    import nenprofile.jobs.profile_sink as profile_sink

    monkeypatch.setattr(profile_sink, "REMEMBERED_KEYS", 1)
    sink = ProfileSink({"TP53"}, BiomarkerSettings())
    sink.start_file("a.vcf")
    intronic = Variant("chr1", 5, "A", "G", gene="OTHER", variant_class="intronic")
    for v in (variant(100, gene="OTHER"), intronic, variant(200, gene="OTHER")):
        sink.add(v)
    sink.end_file()
    sink.start_file("b.vcf")
    for v in (variant(100, gene="OTHER"), Variant("chr1", 5, "A", "G", variant_class="intronic")):
        sink.add(v)
    # the missense key was remembered past the cap, the intronic one was not
    assert (sink.merged, sink.keys_capped, sink.tally.coding, sink.tally.variants) == (
        1,
        True,
        2,
        4,
    )
