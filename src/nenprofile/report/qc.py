"""The report's quality-control and discordance section: where the sample sheet and the
sequencing disagree, and what about the input a reader must know, each point stated once."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nenprofile.report.values import citation_links
from nenprofile.vocab import MMR_GENES, is_oncogenic

# ingest counts worth naming when non-zero: count key -> what it means for the reader
SKIP_COUNTS = {
    "nocall_skipped": "records without a called genotype in the tumor column were skipped",
    "reference_only_skipped": "records whose tumor genotype is reference-only were skipped",
    "symbolic_skipped": "symbolic or breakend alleles (<DEL>, ]chr1:5]) were skipped",
    "other_samples_skipped": "MAF rows of other samples were skipped",
    "filtered": "records failed the FILTER setting and were dropped",
    "below_min_vaf": "variants below filters.min_vaf were dropped",
    "below_min_depth": "variants below filters.min_depth were dropped",
    "unannotated_records": "records carried no consequence annotation",
}


def _mmr_genes(alterations: Sequence[Mapping[str, Any]], *, biallelic: bool) -> list[str]:
    """Oncogenic MMR genes among the reported alterations (biallelic ones only, if asked)."""
    return sorted(
        {
            str(row.get("gene"))
            for row in alterations
            if row.get("gene") in MMR_GENES
            and is_oncogenic(row.get("oncogenicity"))
            and (not biallelic or str(row.get("biallelic")).lower() == "true")
        }
    )


def msi_discordance(
    biomarkers: Mapping[str, Any], alterations: Sequence[Mapping[str, Any]]
) -> dict[str, str] | None:
    """Sheet MSI result vs the MMR evidence from sequencing."""
    msi = biomarkers.get("msi") or {}
    if msi.get("source") != "sample sheet":
        return None
    sheet = str(msi.get("call"))
    lost = _mmr_genes(alterations, biallelic=True)
    if sheet == "MSS" and lost:
        return {
            "topic": "MSI vs MMR",
            "sheet": "MSS",
            "sequencing": f"biallelic loss of {', '.join(lost)} (dMMR)",
            "note": "the sheet's MSS result and biallelic MMR gene loss disagree; options "
            "that rest on MSI-H/dMMR need this resolved first (MMR IHC or a repeat MSI test)",
        }
    if sheet == "MSI-H" and not _mmr_genes(alterations, biallelic=False):
        return {
            "topic": "MSI vs MMR",
            "sheet": "MSI-H",
            "sequencing": "no MMR gene alteration found",
            "note": "sequence data cannot show MLH1 promoter methylation or alterations outside "
            "the analysed genes; not a contradiction by itself",
        }
    return None


def pdl1_discordance(biomarkers: Mapping[str, Any]) -> list[dict[str, str]]:
    """PD-L1 IHC vs CD274 amplification or mRNA, as interpret.pdl1 found it."""
    pdl1 = biomarkers.get("pdl1") or {}
    return [
        {
            "topic": "PD-L1 IHC vs CD274",
            "sheet": str(pdl1.get("call")),
            "sequencing": "CD274 " + ("amplified" if "amplified" in note else "mRNA high"),
            "note": note,
        }
        for note in pdl1.get("discordance") or []
    ]


def differentiation_discordance(
    sample_info: Mapping[str, Any], biomarkers: Mapping[str, Any]
) -> dict[str, str] | None:
    pattern = biomarkers.get("differentiation_pattern") or {}
    if not pattern.get("conflict"):
        return None
    return {
        "topic": "Differentiation vs molecular pattern",
        "sheet": str(sample_info.get("differentiation")),
        "sequencing": str(pattern.get("call")),
        "note": str(pattern["conflict"]),
    }


GEP_SITES = frozenset({"pancreas", "small_intestine", "colorectal", "stomach", "appendix",
                       "esophagus", "gallbladder_biliary", "liver"})  # fmt: skip
# sites that name no primary: nothing for a molecular hint to contradict
NO_PRIMARY = frozenset({"unknown", "unknown_primary", "other", "", "None"})


@dataclass(frozen=True)
class SiteHint:
    """A molecular pattern that points to a primary site, with its primary source."""

    genes: frozenset[str]
    kind: str  # alteration_type the pattern needs
    partner: str | None  # fusions: the other gene
    sites: frozenset[str]  # sites the pattern is typical of
    pattern: str
    suggestion: str
    citation: str
    not_if_poorly_differentiated: bool = False


# Kept short: only patterns with a cited, site-specific frequency. Not used, because they are
# not site-specific: RB1 + TP53 loss (SCLC-like in NEC of any site), KRAS (lung, pancreas and
# GI), SMAD4 (pancreas and GI), ASCL1/NEUROD1 expression (any high-grade NEC).
SITE_HINTS = (
    SiteHint(
        genes=frozenset({"DAXX", "ATRX"}),
        kind="mutation",
        partner=None,
        sites=frozenset({"pancreas"}),
        pattern="DAXX/ATRX inactivation",
        suggestion="typical of pancreatic NET (DAXX or ATRX altered in 43% of pancreatic NET "
        "exomes); consider a pancreatic primary",
        citation="PMID:21252315",
        not_if_poorly_differentiated=True,
    ),
    SiteHint(
        genes=frozenset({"APC"}),
        kind="mutation",
        partner=None,
        sites=GEP_SITES,
        pattern="APC inactivation",
        suggestion="typical of gastrointestinal, above all colorectal, NEC (APC altered in 59.5% "
        "of colorectal NEC); consider a gastrointestinal primary or a MiNEN",
        citation="PMID:33041225",
    ),
    SiteHint(
        genes=frozenset({"ERG"}),
        kind="fusion",
        partner="TMPRSS2",
        sites=frozenset({"prostate"}),
        pattern="TMPRSS2::ERG fusion",
        suggestion="recurrent in prostate cancer (ERG or ETV1 rearranged in 23 of 29 prostate "
        "cancers); consider a prostate primary, e.g. treatment-emergent neuroendocrine "
        "prostate cancer",
        citation="PMID:16254181",
    ),
)


def _hint_hits(hint: SiteHint, alterations: Sequence[Mapping[str, Any]]) -> list[str]:
    return sorted(
        {
            str(row.get("gene"))
            for row in alterations
            if row.get("gene") in hint.genes
            and row.get("alteration_type") == hint.kind
            and (hint.partner is None or row.get("partner") == hint.partner)
            and is_oncogenic(row.get("oncogenicity"))
        }
    )


def site_discordance(
    sample_info: Mapping[str, Any], alterations: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The sheet's primary site vs molecular patterns typical of another site: one hint
    ('consider ...') per pattern found, with its source. Only a named site is checked."""
    site = str(sample_info.get("tumor_site") or "")
    if site in NO_PRIMARY:
        return []
    poorly = sample_info.get("differentiation") == "poor"
    notes = []
    for hint in SITE_HINTS:
        if site in hint.sites or (hint.not_if_poorly_differentiated and poorly):
            continue
        genes = _hint_hits(hint, alterations)
        if genes:
            notes.append(
                {
                    "topic": "Tumour site vs molecular hints",
                    "sheet": site.replace("_", " "),
                    "sequencing": f"{hint.pattern} ({', '.join(genes)})",
                    "note": f"{hint.pattern} is {hint.suggestion} (the sampled lesion may be "
                    "a metastasis); a hint, not a diagnosis",
                    "citations": citation_links([hint.citation]),
                }
            )
    return notes


def non_pass_variants(alterations: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Reported variants whose caller FILTER was not PASS (only with filters.pass_only off
    or filters.allowed_filters)."""
    found = []
    for row in alterations:
        value = str(row.get("filter") or "")
        if value and value not in ("PASS", "."):
            change = row.get("hgvsp") or row.get("hgvsc") or row.get("consequence") or ""
            found.append({"alteration": f"{row.get('gene')} {change}".strip(), "filter": value})
    return found


def duplicate_alterations(alterations: Sequence[Mapping[str, Any]]) -> list[str]:
    """Reported variants that occur more than once (same position and alleles): the input
    held the record twice, and counts built on it (TMB) may be inflated."""
    seen: Counter[tuple[Any, ...]] = Counter(
        (row.get("gene"), row.get("chrom"), row.get("pos"), row.get("ref"), row.get("alt"))
        for row in alterations
        if row.get("alteration_type") == "mutation"
    )
    return [
        f"{gene} {chrom}:{pos} {ref}>{alt} is reported {n} times (duplicate input records)"
        for (gene, chrom, pos, ref, alt), n in seen.items()
        if n > 1
    ]


def input_checks(
    ingest: Mapping[str, Any], alterations: Sequence[Mapping[str, Any]] = ()
) -> list[str]:
    """Skipped and duplicate records, and non-default filter settings (the genome build is
    on the section's first line)."""
    checks: list[str] = []
    counts = ingest.get("counts") or {}
    for key, meaning in SKIP_COUNTS.items():
        if counts.get(key):
            checks.append(f"{counts[key]} {meaning}")
    checks += duplicate_alterations(alterations)
    for key, change in sorted(((ingest.get("filters") or {}).get("non_default") or {}).items()):
        checks.append(
            f"non-default filter setting filters.{key}: {json.dumps(change['value'])} "
            f"(default {json.dumps(change['default'])})"
        )
    return checks


def qc_section(
    sample_info: Mapping[str, Any],
    ingest: Mapping[str, Any],
    alterations: Sequence[Mapping[str, Any]],
    biomarkers: Mapping[str, Any],
) -> dict[str, Any]:
    discordance = [
        entry
        for entry in (
            msi_discordance(biomarkers, alterations),
            *pdl1_discordance(biomarkers),
            differentiation_discordance(sample_info, biomarkers),
            *site_discordance(sample_info, alterations),
        )
        if entry
    ]
    return {
        "discordance": discordance,
        "input": input_checks(ingest, alterations),
        "non_pass_variants": non_pass_variants(alterations),
        "other_warnings": [str(w) for w in ingest.get("warnings") or []],
    }
