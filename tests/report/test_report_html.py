"""Sample and cohort HTML: section content, ranking, links, escaping, self-containment."""

from __future__ import annotations

import html as htmllib
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from nenprofile.report import build_report_data, render_cohort_html, render_sample_html
from nenprofile.report.context import build_cohort_context

DATA = Path(__file__).parents[1] / "data" / "report"
EVIL = "<script>alert(1)</script>\"x'"
SECTION_IDS = (
    "summary",
    "mtor",
    "dna-repair",
    "chromatin",
    "other-drivers",
    "biomarkers",
    "expression",
    "pattern",
    "standard-of-care",
    "therapies",
    "provenance",
    "disclaimer",
)


def fixture(name: str) -> dict:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def provenance() -> dict:
    return json.loads((DATA / "provenance.json").read_text(encoding="utf-8"))


def sample_html(name: str) -> str:
    f = fixture(name)
    data = build_report_data(
        f["sample_info"],
        f["ingest"],
        f["alterations"],
        f["biomarkers"],
        f["therapies"],
        provenance(),
        settings={"title": "NEN MTB", "institution": "Test Hospital"},
        cohort_context=build_cohort_context(
            pd.read_csv(DATA / "cohort_biomarkers.tsv", sep="\t"),
            pd.read_csv(DATA / "cohort_markers.tsv", sep="\t"),
        ),
    )
    return render_sample_html(data)


def cohort_html(failed=None) -> str:
    fixtures = [fixture(n) for n in ("NEN01", "NEN02", "XSS01")]
    alterations = pd.DataFrame([a for f in fixtures for a in f["alterations"]])
    therapies = pd.DataFrame(
        [{"sample": f["sample_info"]["sample"], **t} for f in fixtures for t in f["therapies"]]
    )
    biomarkers = pd.read_csv(DATA / "cohort_biomarkers.tsv", sep="\t")
    infos = [f["sample_info"] for f in fixtures]
    return render_cohort_html(
        alterations, biomarkers, therapies, infos, provenance(), {"title": "NEN MTB"}, failed
    )


def block(page: str, element_id: str) -> str:
    """Raw HTML of the <section>/<footer> with this id (these are never nested)."""
    match = re.search(
        rf'<(section|footer|header)\b[^>]*\bid="{re.escape(element_id)}"[^>]*>(.*?)</\1>',
        page,
        re.S,
    )
    assert match, f"no element with id {element_id}"
    return match.group(2)


def text(fragment: str) -> str:
    """Visible text: tags removed, entities decoded, whitespace collapsed."""
    no_svg = re.sub(r"<svg\b.*?</svg>", " ", fragment, flags=re.S)
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", no_svg)).split())


@pytest.fixture(scope="module")
def nen01() -> str:
    return sample_html("NEN01")


@pytest.fixture(scope="module")
def nen02() -> str:
    return sample_html("NEN02")


@pytest.fixture(scope="module")
def evil() -> str:
    return sample_html("XSS01")


def test_every_stable_id_occurs_once(nen01, nen02, evil):
    for page in (nen01, nen02, evil):
        for element_id in SECTION_IDS:
            assert page.count(f'id="{element_id}"') == 1, element_id


def test_header(nen01, evil):
    header = text(block(nen01, "header"))
    assert "Sample NEN01" in header
    assert "pancreas (Pancreatic)" in header  # the sheet's own word next to the vocabulary
    assert "well" in header
    assert "32%" in header
    assert "GRCh38" in header
    assert "VCF (Mutect2 / VEP)" in header
    assert "no (matched normal)" in header
    assert "Warnings" not in header
    assert "Histology net g3" in header
    assert "Stage metastatic" in header
    assert "Line of therapy 2 · prior: ssa, prrt" in header
    assert "SSTR imaging positive" in header
    assert "Germline findings none recorded" in header
    evil_header = text(block(evil, "header"))
    assert "yes ⚠" in evil_header
    assert "Tumor-only input: no matched normal." in evil_header
    assert "Consequences unknown" in evil_header
    assert "VCF (unknown / gene-overlap)" in evil_header


def test_alteration_sections_and_empty_lines(nen01, nen02):
    assert text(block(nen01, "dna-repair")) == "DNA repair No reportable alteration."
    assert text(block(nen01, "other-drivers")) == "Other drivers No reportable alteration."
    mtor = text(block(nen01, "mtor"))
    assert mtor == (
        "mTOR pathway Gene Alteration Type VAF Depth Oncogenicity Evidence Biallelic "
        "TSC2 p.Q1178* c.3532C>T stop gained mutation 48.0% 210 Oncogenic "
        "OVS1: truncating in tumor suppressor; LOH yes"
    )
    chromatin = text(block(nen01, "chromatin"))
    assert chromatin.index("DAXX") < chromatin.index("MEN1")
    other = text(block(nen02, "other-drivers"))
    assert "RB1 Deep deletion deep deletion n/a n/a Oncogenic" in other
    repair = block(nen02, "dna-repair")
    assert repair.count('class="alteration oncogenic"') == 1  # MLH1; ATM is a VUS


def test_summary_box_order(nen02):
    items = re.findall(r'<li class="summary-line">(.*?)</li>', block(nen02, "summary"), re.S)
    assert [text(i).split(" — ")[0] for i in items] == [
        "Dostarlimab",
        "Pembrolizumab",
        "Pembrolizumab",
        "Dabrafenib + trametinib",
        "Capivasertib",
    ]
    assert text(items[0]) == "Dostarlimab — dMMR (MLH1) AMP I-A ESCAT I-C tissue-agnostic"
    assert 'id="summary-research"' not in block(nen02, "summary")
    summary = text(block(nen02, "summary"))
    assert "TMB 42.3 mut/Mb (TMB-high) · MSI MSI-H · PD-L1 positive (CPS ≥ 10)" in summary


def test_biomarkers_expression_and_pattern(nen02, evil):
    biomarkers = block(nen02, "biomarkers")
    assert "<svg" in biomarkers
    # 3 cohort samples in 3 TMB bins; no per-sample dots
    assert biomarkers.count('class="cohort-bin"') == 3
    assert 'class="cohort-point"' not in biomarkers
    assert biomarkers.count('class="own-point"') == 1
    assert 'class="threshold"' in biomarkers
    shown = text(biomarkers)
    assert "42.3 mut/Mb — TMB-high (55 mutations over 1.30 Mb); threshold 10 mut/Mb" in shown
    assert "cohort median 6.20, interquartile range 3.85–24.25, range 1.50–42.30 mut/Mb" in shown
    assert "Deciding source IHC CPS (value 12)" in shown
    assert "CPS cut-offs 1 and 10 come from other indications, not NEN." in shown
    assert "MMR-deficient (biallelic MLH1, MSI-H)" in shown
    expression = block(nen02, "expression")
    assert "research-only" in text(expression)
    assert expression.count('class="marker-bar"') == 3
    # each of 3 markers: cohort percentiles 0, 50, 100 in 3 deciles
    assert expression.count('class="cohort-bin"') == 9
    assert "MGMT n/a n/a n/a not available" in text(expression)
    pattern = text(block(nen02, "pattern"))
    assert pattern.startswith("NET-G3-like vs NEC-like pattern NEC-like")
    assert "RB1 deep deletion" in pattern
    assert "Histology decides" in pattern
    assert "TMB not available." in text(block(evil, "biomarkers"))
    assert "No expression data for this sample." in text(block(evil, "expression"))


def test_citation_links(nen02):
    therapies = block(nen02, "therapies")
    assert (
        '<a href="https://pubmed.ncbi.nlm.nih.gov/31980466/" rel="noopener noreferrer">'
        "PMID:31980466</a>"
    ) in therapies
    assert (
        '<a href="https://clinicaltrials.gov/study/NCT04429087" rel="noopener noreferrer">'
        "NCT04429087</a>"
    ) in therapies
    assert '<span class="citation">FDA:dostarlimab dMMR 2021-08-17</span>' in therapies
    soc = block(nen02, "standard-of-care")
    assert 'href="https://clinicaltrials.gov/study/NCT03837977"' in soc
    assert "Label excludes colorectal cancer" in text(therapies)


def test_provenance_and_disclaimer(nen01):
    prov = text(block(nen01, "provenance"))
    assert "nenprofile 0.1.0" in prov
    assert "version 2025.1.0, released 2025-07-01" in prov
    assert "sha256 a1b2c3d4e5f60718293a4b5c6d7e8f90" in prov
    assert "data/NEN01.vcf.gz 1111111111" in prov
    assert "Run date 2025-08-01" in prov
    disclaimer = text(block(nen01, "disclaimer"))
    assert "research use only" in disclaimer.lower()
    assert "not a diagnostic device" in disclaimer
    assert "Histology and the multidisciplinary tumor board decide" in disclaimer
    assert "research-only" in disclaimer


def test_hostile_strings_are_escaped(evil):
    assert "<script" not in evil
    assert "<img" not in evil
    assert "<b>liver</b>" not in evil
    assert "<i>" not in evil
    assert "<u>" not in evil and "<em>" not in evil
    assert "(&lt;u&gt;NEC&lt;/u&gt;, not in vocabulary)" in evil
    assert "BRCA2 &lt;em&gt;c.1A&gt;G&lt;/em&gt;" in evil
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&#34;x&#39;"
    assert f'<span id="sample-name">{escaped}</span>' in evil
    assert "<title>NEN MTB: " + escaped + "</title>" in evil
    assert "&lt;img src=x onerror=alert(2)&gt;" in evil
    assert "chr12:25398284 C&gt;&lt;script&gt;alert(3)&lt;/script&gt;" in evil
    assert "positional hotspot &#34;G12&#34; &lt;i&gt;" in evil


def test_page_is_self_contained(nen01, nen02, evil):
    for page in (nen01, nen02, evil, cohort_html()):
        assert "<link" not in page
        # the cohort page carries one inline script, the bundled cohort.js; nothing else runs
        assert page.count("<script") == (1 if "cohort-report" in page else 0)
        assert "<img" not in page
        assert "@import" not in page
        assert "url(" not in page
        assert not re.search(r"<[^>]*\ssrc=", page)
        for href in re.findall(r'href="([^"]*)"', page):
            assert href.startswith(
                (
                    "https://pubmed.ncbi.nlm.nih.gov/",
                    "https://clinicaltrials.gov/study/",
                    "../samples/",
                )
            ), href


def test_render_is_deterministic():
    assert sample_html("NEN02") == sample_html("NEN02")
    assert cohort_html() == cohort_html()


# ----------------------------------------------------------------------------- cohort page


def test_cohort_page_content():
    page = cohort_html([{"sample": "NEN09<script>", "error": 'x.vcf: line 3: <bad> "QUAL"'}])
    assert page.count("<script") == 1  # the bundled cohort.js
    assert "NEN09&lt;script&gt;" in page
    failed = text(block(page, "failed-samples"))
    assert failed == 'Failed samples Sample Error NEN09<script> x.vcf: line 3: <bad> "QUAL"'
    assert '<a class="sample-link" href="../samples/NEN01/NEN01.report.html">NEN01</a>' in page
    assert (
        'href="../samples/%3Cscript%3Ealert%281%29%3C%2Fscript%3E%22x%27/'
        "%3Cscript%3Ealert%281%29%3C%2Fscript%3E%22x%27.report.html"
    ) in page
    oncoprint = block(page, "oncoprint")
    assert (
        '<td class="op hit" data-n="1" title="ATM p.S707P (VUS)"><span class="stack">'
        '<span class="stripe mutation vus"></span></span></td>'
    ) in oncoprint
    assert (
        '<td class="op hit" data-n="1" title="RB1 deep deletion (Oncogenic)">'
        '<span class="stack"><span class="stripe deep_deletion"></span></span></td>'
    ) in oncoprint
    # one cell per gene and sample: 3 sample columns in every gene row
    rows = re.findall(r'<td class="gene">.*?</tr>', oncoprint, re.S)
    assert rows and all(row.count('<td class="op') == 3 for row in rows)
    frequencies = text(block(page, "pathway-frequencies"))
    assert "mTOR pathway 2/3 67%" in frequencies
    assert "DNA repair 1/3 33%" in frequencies
    distributions = text(block(page, "biomarker-distributions"))
    assert "Samples per TMB bin (n=2)" in distributions
    assert "NET-G3-like vs NEC-like pattern NEC-like 1 NET-G3-like 1" in distributions
    tiers = text(block(page, "therapy-tiers"))
    assert tiers.index("Dostarlimab I-A I-C") < tiers.index("Everolimus II-D III-B")


def test_cohort_without_failures_has_no_failed_section():
    assert 'id="failed-samples"' not in cohort_html()


def test_input_section_says_how_the_build_was_found():
    f = fixture("NEN01")
    f["ingest"]["build_evidence"] = "GRCh38 (configured; confirmed by <contig> chr1)"
    data = build_report_data(
        f["sample_info"], f["ingest"], f["alterations"], f["biomarkers"], f["therapies"],
        provenance(), settings={"title": "NEN MTB"},
    )  # fmt: skip
    section = block(render_sample_html(data), "input-qc")
    assert "build GRCh38 (configured; confirmed by &lt;contig&gt; chr1)" in section
