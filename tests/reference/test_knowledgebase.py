"""Knowledge base: bundled content, schema validation and user directories."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
import yaml

from nenprofile.errors import InputError
from nenprofile.reference.knowledgebase import KB_FILES, GeneEntry, load_knowledge_base

KB_DIR = Path(__file__).resolve().parents[2] / "src" / "nenprofile" / "kb"
CITATION = re.compile(r"^(PMID:\d+|NCT\d{8}|FDA:\d{4}-\d{2}-\d{2} .+)$")

MTOR_GENES = [
    "MTOR",
    "TSC1",
    "TSC2",
    "PTEN",
    "PIK3CA",
    "PIK3R1",
    "AKT1",
    "AKT2",
    "AKT3",
    "DEPDC5",
    "NPRL2",
    "NPRL3",
    "STK11",
]
DNA_REPAIR_GENES = [
    "BRCA1",
    "BRCA2",
    "PALB2",
    "ATM",
    "ATR",
    "CHEK1",
    "CHEK2",
    "RAD51B",
    "RAD51C",
    "RAD51D",
    "BRIP1",
    "BARD1",
    "FANCA",
    "CDK12",
    "MLH1",
    "MSH2",
    "MSH6",
    "PMS2",
    "EPCAM",
    "MUTYH",
    "POLE",
    "POLD1",
]
CHROMATIN_GENES = [
    "MEN1",
    "DAXX",
    "ATRX",
    "ARID1A",
    "ARID1B",
    "ARID2",
    "PBRM1",
    "SMARCA4",
    "SMARCB1",
    "KMT2A",
    "KMT2C",
    "KMT2D",
    "SETD2",
    "EZH2",
    "KDM6A",
    "CREBBP",
    "EP300",
    "DNMT3A",
    "TET2",
    "IDH1",
    "IDH2",
    "BAP1",
    "MGMT",
]
OTHER_GENES = [
    "TP53",
    "RB1",
    "KRAS",
    "BRAF",
    "APC",
    "SMAD4",
    "CTNNB1",
    "MYC",
    "MYCL",
    "CDKN2A",
    "NTRK1",
    "NTRK2",
    "NTRK3",
    "RET",
    "ERBB2",
    "KEAP1",
    "NRAS",
    "CD274",
    "PDCD1LG2",
    "JAK2",
]


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def copy_kb(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    target.mkdir(parents=True)
    for name in KB_FILES:
        shutil.copy(KB_DIR / name, target / name)
    return target


def test_release_metadata(kb):
    assert re.fullmatch(r"\d+\.\d+\.\d+", kb.version)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", kb.release_date)
    assert kb.source == "bundled"


@pytest.mark.parametrize(
    ("genes", "group"),
    [
        (MTOR_GENES, "mTOR pathway"),
        (DNA_REPAIR_GENES, "DNA repair"),
        (CHROMATIN_GENES, "Epigenetic/chromatin"),
        (OTHER_GENES, "Other drivers"),
    ],
)
def test_every_fact_sheet_gene_is_in_its_report_group(kb, genes, group):
    assert {g: kb.genes[g].group for g in genes} == dict.fromkeys(genes, group)


def test_gene_entries_are_typed_records(kb):
    pik3ca = kb.genes["PIK3CA"]
    assert isinstance(pik3ca, GeneEntry)
    assert pik3ca.role == "oncogene"
    assert pik3ca.pathway == "PI3K/AKT/mTOR"
    assert pik3ca.activating == ("E542K", "E545K", "H1047R", "H1047L")
    assert kb.genes["AKT1"].activating == ("E17K",)
    assert kb.genes["BRAF"].activating == ("V600E",)
    assert kb.genes["IDH1"].activating == ("R132",)
    assert kb.genes["KRAS"].activating == ("G12", "G13", "Q61")
    assert kb.genes["DNMT3A"].activating == ("R882",)
    assert kb.genes["POLE"].exonuclease_domain == (268, 471)
    assert kb.genes["POLD1"].exonuclease_domain == (304, 533)
    assert kb.genes["TP53"].polymorphisms == ("P72R",)
    assert kb.genes["BRCA2"].polymorphisms == ("N372H",)
    assert kb.genes["TSC2"].role == "tumor_suppressor"
    assert kb.genes["MLH1"].pathway == "Mismatch repair"
    assert kb.genes["MUTYH"].pathway == "Base excision repair"


def test_every_gene_and_rule_cites_a_valid_source(kb):
    for gene in kb.genes.values():
        assert gene.citations, gene.symbol
        assert all(CITATION.match(c) for c in gene.citations), gene.symbol
    for rule in kb.rules:
        assert rule.citations, rule.id
        assert all(CITATION.match(c) for c in rule.citations), rule.id


def test_rule_ids_unique_and_research_only_flags(kb):
    ids = [r.id for r in kb.rules]
    assert len(ids) == len(set(ids))
    research = {r.id for r in kb.rules if r.research_only}
    assert research == {
        "dll3_t_cell_engager_trials",
        "slfn11_platinum_parp_temozolomide",
        "mgmt_low_temozolomide",
        "sstr2_high_supportive_ssa_prrt",
    }


def test_checksum_is_sha256_over_the_yaml_files_in_sorted_order(kb):
    digest = hashlib.sha256()
    for name in sorted(KB_FILES):
        digest.update(name.encode() + b"\0" + (KB_DIR / name).read_bytes() + b"\0")
    assert kb.checksum == digest.hexdigest()


def test_user_directory_loads_and_checksum_tracks_content(tmp_path, kb):
    directory = copy_kb(tmp_path)
    same = load_knowledge_base(directory)
    assert same.checksum == kb.checksum
    assert same.source == str(directory)
    release = directory / "release.yaml"
    release.write_text(release.read_text().replace(kb.version, "9.9.9"))
    changed = load_knowledge_base(str(directory))
    assert changed.version == "9.9.9"
    assert changed.checksum != kb.checksum


def _edit(directory: Path, name: str, edit) -> None:
    path = directory / name
    data = yaml.safe_load(path.read_text())
    edit(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_missing_rule_citation_names_file_entry_and_field(tmp_path):
    directory = copy_kb(tmp_path)
    _edit(directory, "therapies.yaml", lambda d: d["rules"][2].pop("citations"))
    with pytest.raises(InputError) as info:
        load_knowledge_base(directory)
    error = info.value
    assert error.path == str(directory / "therapies.yaml")
    assert "rules[2] (pembrolizumab_tmb_high)" in error.message
    assert "'citations'" in error.message
    assert error.column == "citations"
    assert error.line is not None


def test_empty_gene_citation_list_names_gene(tmp_path):
    directory = copy_kb(tmp_path)

    def edit(data):
        data["genes"][1]["citations"] = []

    _edit(directory, "genes.yaml", edit)
    with pytest.raises(InputError) as info:
        load_knowledge_base(directory)
    assert "genes[1] (TSC1)" in info.value.message
    assert info.value.column == "citations"


def test_malformed_citation_is_rejected(tmp_path):
    directory = copy_kb(tmp_path)

    def edit(data):
        data["rules"][0]["citations"] = ["Smith 2020"]

    _edit(directory, "therapies.yaml", edit)
    with pytest.raises(InputError) as info:
        load_knowledge_base(directory)
    assert "rules[0] (pembrolizumab_msi_h_dmmr)" in info.value.message
    assert info.value.column == "citations.0"


def test_bad_tier_and_unknown_field_are_rejected(tmp_path):
    directory = copy_kb(tmp_path)
    _edit(directory, "therapies.yaml", lambda d: d["rules"][0].update(amp_tier="Tier 1"))
    with pytest.raises(InputError, match=r"field 'amp_tier'"):
        load_knowledge_base(directory)
    directory = copy_kb(tmp_path / "second")
    _edit(directory, "genes.yaml", lambda d: d["genes"][0].update(colour="red"))
    with pytest.raises(InputError, match=r"genes\[0\] \(MTOR\).*field 'colour'"):
        load_knowledge_base(directory)


def test_duplicate_rule_id_and_incomplete_condition(tmp_path):
    directory = copy_kb(tmp_path)
    _edit(directory, "therapies.yaml", lambda d: d["rules"][1].update(id=d["rules"][0]["id"]))
    with pytest.raises(InputError, match="duplicate rule id"):
        load_knowledge_base(directory)
    directory = copy_kb(tmp_path / "second")

    def edit(data):
        data["rules"][3]["condition"]["any_of"][0].pop("genes")

    _edit(directory, "therapies.yaml", edit)
    with pytest.raises(InputError, match=r"field 'genes'"):
        load_knowledge_base(directory)


def test_missing_file_and_invalid_yaml(tmp_path):
    directory = copy_kb(tmp_path)
    (directory / "genes.yaml").unlink()
    with pytest.raises(InputError, match=r"genes\.yaml is missing"):
        load_knowledge_base(directory)
    directory = copy_kb(tmp_path / "second")
    (directory / "release.yaml").write_text("version: [1\n")
    with pytest.raises(InputError, match="not valid YAML") as info:
        load_knowledge_base(directory)
    assert info.value.path == str(directory / "release.yaml")
    with pytest.raises(InputError, match="not a directory"):
        load_knowledge_base(tmp_path / "absent")
