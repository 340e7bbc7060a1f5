"""Gene symbols through HGNC previous symbols and aliases (issue #14 point 9)."""

from __future__ import annotations

import csv
from pathlib import Path

from nenprofile.ingest.genenames import GeneRenamer, hgnc_table, names_of, table_from_rows
from nenprofile.ingest.variants import read_variants

REPO = Path(__file__).resolve().parents[2]


def test_previous_symbols_become_the_approved_ones_and_ambiguous_names_stay():
    rename = GeneRenamer()
    assert [rename(n) for n in ("MLL2", "MLL3", "C11orf30", "TP53", "MLL4", None)] == [
        "KMT2D",
        "KMT2C",
        "EMSY",
        "TP53",
        "MLL4",  # an alias of both KMT2B and KMT2D: left as written
        None,
    ]
    assert rename.disclosure() == {
        "renamed": 3,
        "renamed_examples": ["MLL2 -> KMT2D", "MLL3 -> KMT2C", "C11orf30 -> EMSY"],
        "ambiguous_kept": 1,
        "ambiguous_examples": ["MLL4 (KMT2B or KMT2D)"],
    }


def test_a_unique_previous_symbol_wins_over_another_genes_alias():
    """HGNC lists MLL2 as KMT2D's previous symbol and as an alias of KMT2B."""
    rows = [
        {"name": "MLL2", "symbol": "KMT2D", "kind": "previous", "also": "KMT2B"},
        {"name": "MLL2", "symbol": "KMT2B", "kind": "alias", "also": "KMT2D"},
        {"name": "X1", "symbol": "A", "kind": "alias", "also": "B"},
        {"name": "X1", "symbol": "B", "kind": "alias", "also": "A"},
        {"name": "X2", "symbol": "A", "kind": "previous", "also": "B"},
        {"name": "X2", "symbol": "B", "kind": "previous", "also": "A"},
        {"name": "X3", "symbol": "A", "kind": "alias", "also": "C"},
    ]
    table = table_from_rows(rows)
    assert table.renames == {"MLL2": "KMT2D"}
    assert table.ambiguous == {"X1": ("A", "B"), "X2": ("A", "B"), "X3": ("A", "C")}


def test_the_bundled_table_knows_the_knowledge_base_genes_old_names():
    table = hgnc_table()
    assert table.renames["C11orf30"] == "EMSY"
    assert table.renames["MLL"] == "KMT2A"
    assert "TP53" not in table.renames  # an approved symbol is never renamed
    assert {"MLL2", "KMT2D"} <= names_of({"KMT2D"})


SNPEFF_HEADER = (REPO / "tests" / "data" / "vcf" / "snpeff.vcf").read_text().split("#CHROM")[0]


def test_vcf_and_maf_gene_names_are_renamed_and_counted(tmp_path):
    vcf = tmp_path / "old.vcf"
    vcf.write_text(
        SNPEFF_HEADER + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR\n"
        "chr7\t152140000\t.\tC\tT\t.\tPASS\tANN=T|stop_gained|HIGH|MLL3|MLL3|transcript|ENST1|"
        "protein_coding|1/2|c.1C>T|p.Arg10*|||||\tGT:AD:DP\t0/1:60,40:100\n"
    )
    result = read_variants(str(vcf), build="GRCh38")
    assert [v.gene for v in result.variants] == ["KMT2C"]
    assert result.gene_names["renamed_examples"] == ["MLL3 -> KMT2C"]
    maf = tmp_path / "old.maf"
    maf.write_text(
        "Hugo_Symbol\tChromosome\tStart_Position\tEnd_Position\tReference_Allele\t"
        "Tumor_Seq_Allele2\tVariant_Classification\tTumor_Sample_Barcode\tHGVSp_Short\t"
        "t_alt_count\tt_depth\n"
        "C11orf30\t11\t76500000\t76500000\tC\tT\tNonsense_Mutation\tS1\tp.R10*\t20\t100\n"
    )
    result = read_variants(str(maf), build="GRCh38")
    assert [v.gene for v in result.variants] == ["EMSY"]
    assert result.gene_names["renamed"] == 1


def test_copy_number_and_fusion_gene_names_are_renamed(tmp_path):
    from nenprofile.ingest.copynumber import read_copy_number_file
    from nenprofile.ingest.fusions import FusionEvidence, read_fusion_file
    from nenprofile.settings import Settings

    cna = tmp_path / "genes.tsv"
    cna.write_text("gene\tcopy_number\nC11orf30\t9\nTP53\t0\n")
    read = read_copy_number_file(cna, build="GRCh38")
    assert {c.gene: c.call for c in read.calls} == {"EMSY": "AMP", "TP53": "DEEPDEL"}
    assert read.disclosure["gene_names"]["renamed_examples"] == ["C11orf30 -> EMSY"]
    both = tmp_path / "both.tsv"
    both.write_text("gene\tcopy_number\nC11orf30\t9\nEMSY\t2\n")
    read = read_copy_number_file(both, build="GRCh38")
    assert [(c.gene, c.call) for c in read.calls] == [("EMSY", "NEUTRAL")]
    assert read.disclosure["skipped"] == {"C11orf30: row of EMSY under its old name": 1}
    assert read.warnings == [
        "the file gives EMSY twice, also under its previous name or alias C11orf30; the EMSY "
        "row is used"
    ]
    fusions = tmp_path / "fusions.tsv"
    fusions.write_text("gene5\tgene3\nMLL\tAFF1\n")
    found = read_fusion_file(fusions, evidence=FusionEvidence.from_settings(Settings.defaults()))
    assert [f.name for f in found.fusions] == ["KMT2A::AFF1"]
    assert found.disclosure["gene_names"]["renamed"] == 1


def test_the_bundled_table_is_read_as_a_csv_reader_reads_it():
    """hgnc_table splits lines by hand; csv.DictReader on the same file gives the same table
    (3,253 names renamed and 229 ambiguous, as the csv-based reading counted them)."""
    text = (REPO / "src" / "nenprofile" / "data" / "hgnc_symbols.tsv").read_text("utf-8")
    expected = table_from_rows(csv.DictReader(text.splitlines(), delimiter="\t"))
    assert hgnc_table() == expected
    assert (len(expected.renames), len(expected.ambiguous)) == (3253, 229)
