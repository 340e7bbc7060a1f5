"""Knowledge base: bundled content, schema validation and user directories."""

from __future__ import annotations

import datetime
import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from nenprofile.errors import InputError
from nenprofile.reference import knowledgebase
from nenprofile.reference.knowledgebase import (
    KB_FILES,
    GeneEntry,
    knowledge_base_release,
    load_knowledge_base,
)

KB_DIR = Path(__file__).resolve().parents[2] / "src" / "nenprofile" / "kb"
CITATION_KINDS = {
    "PMID": re.compile(r"^PMID:[1-9]\d{0,8}$"),
    "NCT": re.compile(r"^NCT\d{8}$"),
    "FDA": re.compile(r"^FDA:(\d{4}-\d{2}-\d{2}) \S.+$"),
    "EMA": re.compile(r"^EMA:(\d{4}-\d{2}(?:-\d{2})?) \S.+$"),
    "GUIDELINE": re.compile(r"^GUIDELINE:[A-Z][A-Za-z/&-]+ ((?:19|20)\d{2}) \S.+$"),
    "REF": re.compile(r"^REF:[A-Z].+((?:19|20)\d{2}).*$"),
}

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
    "MGMT",
    "FANCL",
    "RAD54L",
    "NBN",
    "MRE11",
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
    "VHL",
    "CDKN1B",
    "NOTCH1",
    "NOTCH2",
    "NOTCH3",
    "NOTCH4",
    "NF1",
    "MYCN",
    "CCNE1",
    "CDK4",
    "EGFR",
    "ALK",
    "ROS1",
    "MET",
    "FGFR1",
    "FGFR2",
    "FGFR3",
    "NRG1",
    "KIT",
    "PDGFRA",
    "ESR1",
    "AR",
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
    assert (kb.version, kb.release_date) == ("2026.3.1", "2026-12-02")
    assert kb.source == "bundled"
    assert (len(kb.rules), len(kb.genes)) == (81, 111)


def test_changelog_names_the_current_release(kb):
    changelog = (KB_DIR / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {kb.version} ({kb.release_date})" in changelog


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
    assert (kb.genes["MUTYH"].biallelic_only, kb.genes["BRCA2"].biallelic_only) == (True, False)
    assert kb.genes["IDH2"].activating == ("R140", "R172")
    assert (kb.genes["ATR"].role, kb.genes["ATR"].null_variant_oncogenic) == ("both", False)
    assert (kb.genes["CHEK1"].role, kb.genes["CHEK1"].null_variant_oncogenic) == ("both", False)
    assert (kb.genes["MGMT"].role, kb.genes["MGMT"].group) == ("marker", "DNA repair")


def test_germline_relevant_genes(kb):
    assert kb.germline_relevant == {
        "MEN1", "VHL", "CDKN1B", "BRCA1", "BRCA2", "PALB2", "CHEK2", "ATM", "MUTYH", "TP53",
        "RB1", "MLH1", "MSH2", "MSH6", "PMS2", "EPCAM", "TSC1", "TSC2", "NF1", "PTEN", "BAP1",
        "RAD51C", "RAD51D", "BRIP1", "NBN",
    }  # fmt: skip


def test_adjustment_and_histology_fields_are_typed(kb):
    ssa = kb.rule("somatostatin_analogue_net")
    assert [(a.sites, a.ki67_above, a.amp_tier) for a in ssa.adjustments] == [
        (("lung", "thymus", "unknown_primary"), None, "I-B"),
        ((), 10.0, None),
        ((), 20.0, "II-C"),
    ]
    assert ssa.requires_sstr_imaging is True
    durvalumab = kb.rule("sclc_limited_durvalumab_consolidation")
    assert (durvalumab.histologies, durvalumab.stages, durvalumab.lines) == (
        ("sclc",),
        ("limited",),
        ("maintenance",),
    )
    mono = kb.rule("parp_inhibitor_brca_palb2_monoallelic").any_of[0]
    assert mono.biallelic is False
    assert kb.rule("capivasertib_pi3k_akt_pten").any_of[0].biallelic is None


def test_unknown_histology_term_in_a_rule_is_rejected(tmp_path):
    directory = copy_kb(tmp_path)
    _edit(directory, "therapies.yaml", lambda d: d["rules"][0].update(histologies=["carcinoid"]))
    with pytest.raises(InputError, match=r"field 'histologies.0'"):
        load_knowledge_base(directory)


def citation_problem(citation: str, release_date: datetime.date) -> str | None:
    """Why a citation is malformed, or None: known kind, real date, not after the release."""
    kind = citation.split(":", 1)[0] if ":" in citation else citation[:3]
    pattern = CITATION_KINDS.get(kind)
    match = pattern.match(citation) if pattern else None
    if match is None:
        return f"not a PMID/NCT/FDA/EMA/GUIDELINE/REF citation: {citation!r}"
    if kind in ("FDA", "EMA"):
        text = match.group(1)
        try:
            when = datetime.date.fromisoformat(text if len(text) == 10 else text + "-01")
        except ValueError:
            return f"not a real date: {citation!r}"
        if when > release_date:
            return f"dated after the KB release {release_date}: {citation!r}"
    return None


def test_every_gene_and_rule_cites_well_formed_sources(kb):
    release = datetime.date.fromisoformat(kb.release_date)
    cited = [(g.symbol, c) for g in kb.genes.values() for c in g.citations]
    cited += [(r.id, c) for r in kb.rules for c in r.citations]
    assert all(g.citations for g in kb.genes.values())
    assert all(r.citations for r in kb.rules)
    problems = [(owner, citation_problem(c, release)) for owner, c in cited]
    assert [p for p in problems if p[1]] == []


def test_citation_checker_rejects_malformed_and_future_citations():
    release = datetime.date(2026, 12, 1)
    assert citation_problem("FDA:2026-02-30 drug x", release) == (
        "not a real date: 'FDA:2026-02-30 drug x'"
    )
    assert citation_problem("FDA:2027-01-01 drug x", release).startswith("dated after")
    assert citation_problem("PMID:0123", release).startswith("not a PMID")
    assert citation_problem("EMA:2025-02 serplulimab ES-SCLC", release) is None
    assert citation_problem("GUIDELINE:ESMO 2021 lung carcinoids", release) is None


def test_schema_citation_pattern_accepts_ema_guideline_ref_and_rejects_bad_dates(tmp_path):
    directory = copy_kb(tmp_path)

    def edit(data):
        data["rules"][0]["citations"] = [
            "EMA:2025-02-06 drug indication",
            "GUIDELINE:ESMO 2021 lung and thymic carcinoids",
            "REF:Derks et al., Clin Cancer Res 2018",
        ]

    _edit(directory, "therapies.yaml", edit)
    assert load_knowledge_base(directory).rules[0].citations[0].startswith("EMA:")
    for bad in ("FDA:2020-13-01 drug x", "EMA:2025 drug", "GUIDELINE:esmo 2021 x"):
        _edit(directory, "therapies.yaml", lambda d, bad=bad: d["rules"][0].update(citations=[bad]))
        with pytest.raises(InputError, match=r"rules\[0\] \(pembrolizumab_msi_h_dmmr\)"):
            load_knowledge_base(directory)


def test_rule_ids_unique_and_research_only_flags(kb):
    ids = [r.id for r in kb.rules]
    assert len(ids) == len(set(ids))
    research = {r.id for r in kb.rules if r.research_only}
    assert research == {
        "nivolumab_ipilimumab_hg_nen",
        "cdk4_6_inhibitor_cdk4_amplification",
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


def test_bundled_files_pass_the_schema_and_their_digest_is_recorded():
    """The bundled base loads without jsonschema only while its files and the schema are
    these, validated here; after editing one, record the digest the failure names."""
    texts = {name: (KB_DIR / name).read_bytes() for name in KB_FILES}
    schema = knowledgebase._schema()
    for name in KB_FILES:
        part = {"$defs": schema["$defs"], **schema[name.removesuffix(".yaml")]}
        knowledgebase._validate(yaml.safe_load(texts[name]), part, name, texts[name])
    digest = knowledgebase.validated_digest(texts)
    assert digest == knowledgebase.BUNDLED_VALIDATED, (
        f"set BUNDLED_VALIDATED = {digest!r} in src/nenprofile/reference/knowledgebase.py"
    )


def test_bundled_base_is_validated_again_when_its_digest_differs(monkeypatch):
    validated: list[str] = []
    validate = knowledgebase._validate

    def spy(data, schema, label, text):
        validated.append(label)
        validate(data, schema, label, text)

    monkeypatch.setattr(knowledgebase, "_validate", spy)
    knowledgebase._load_bundled.cache_clear()
    try:
        load_knowledge_base()
        assert validated == []
        monkeypatch.setattr(knowledgebase, "BUNDLED_VALIDATED", "0" * 64)
        knowledgebase._load_bundled.cache_clear()
        assert load_knowledge_base().source == "bundled"
        assert validated == [f"nenprofile/kb/{name}" for name in KB_FILES]
    finally:
        knowledgebase._load_bundled.cache_clear()


def test_loading_the_bundled_base_does_not_import_jsonschema():
    code = (
        "import sys; from nenprofile.reference.knowledgebase import load_knowledge_base; "
        "load_knowledge_base(); print('jsonschema' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"


def test_user_copy_of_the_bundled_base_is_validated(tmp_path):
    """Byte for byte the bundled files except one field: a user directory is always checked."""
    directory = copy_kb(tmp_path)
    genes = directory / "genes.yaml"
    text = genes.read_text()
    assert "\n    role: oncogene\n" in text
    genes.write_text(text.replace("\n    role: oncogene\n", "\n    role: driver\n", 1))
    with pytest.raises(InputError, match=r"genes\[0\] \(MTOR\): field 'role'"):
        load_knowledge_base(directory)


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


def test_the_release_alone_is_what_loading_the_whole_knowledge_base_gives(tmp_path, kb):
    """Provenance reads the release without the genes and rules: the same version, date and
    checksum, bundled or from a user directory, and the same refusals."""
    assert knowledge_base_release() == {
        "version": "2026.3.1",
        "release_date": "2026-12-02",
        "checksum": kb.checksum,
    }
    directory = copy_kb(tmp_path)
    with open(directory / "genes.yaml", "a", encoding="utf-8") as handle:
        handle.write("\n# a comment changes the checksum\n")
    user = load_knowledge_base(directory)
    assert knowledge_base_release(directory) == {
        "version": user.version,
        "release_date": user.release_date,
        "checksum": user.checksum,
    }
    assert user.checksum != kb.checksum
    (directory / "release.yaml").write_text('version: "1"\n', encoding="utf-8")
    with pytest.raises(InputError, match="release_date") as error:
        knowledge_base_release(directory)
    assert str(directory / "release.yaml") in str(error.value)
    (directory / "therapies.yaml").unlink()
    with pytest.raises(InputError, match=r"knowledge base file therapies\.yaml is missing"):
        knowledge_base_release(directory)
    with pytest.raises(InputError, match="not a directory"):
        knowledge_base_release(tmp_path / "absent")
