"""Consequence terms (VEP/SO, SnpEff, bcftools csq) -> severity rank and canonical class."""

from __future__ import annotations

# Most severe first (Ensembl's SO ranking, with SnpEff and BCSQ synonyms slotted in).
_SEVERITY_ORDER = (
    "transcript_ablation",
    "exon_loss_variant",
    "splice_acceptor_variant",
    "splice_acceptor",
    "splice_donor_variant",
    "splice_donor",
    "stop_gained",
    "frameshift_variant",
    "frameshift",
    "stop_lost",
    "start_lost",
    "initiator_codon_variant",
    "transcript_amplification",
    "feature_elongation",
    "inframe_insertion",
    "conservative_inframe_insertion",
    "disruptive_inframe_insertion",
    "inframe_deletion",
    "conservative_inframe_deletion",
    "disruptive_inframe_deletion",
    "inframe_altering",
    "missense_variant",
    "missense",
    "rare_amino_acid_variant",
    "protein_altering_variant",
    "splice_region_variant",
    "splice_region",
    "splice_donor_5th_base_variant",
    "splice_donor_region_variant",
    "splice_polypyrimidine_tract_variant",
    "incomplete_terminal_codon_variant",
    "start_retained_variant",
    "start_retained",
    "stop_retained_variant",
    "stop_retained",
    "synonymous_variant",
    "synonymous",
    "coding_sequence_variant",
    "coding_sequence",
    "mature_miRNA_variant",
    "5_prime_UTR_premature_start_codon_gain_variant",
    "5_prime_UTR_variant",
    "5_prime_utr",
    "3_prime_UTR_variant",
    "3_prime_utr",
    "non_coding_transcript_exon_variant",
    "non_coding_exon_variant",
    "intron_variant",
    "intron",
    "NMD_transcript_variant",
    "non_coding_transcript_variant",
    "nc_transcript_variant",
    "non_coding",
    "intragenic_variant",
    "upstream_gene_variant",
    "downstream_gene_variant",
    "TFBS_ablation",
    "TFBS_amplification",
    "TF_binding_site_variant",
    "regulatory_region_ablation",
    "regulatory_region_amplification",
    "feature_truncation",
    "regulatory_region_variant",
    "intergenic_variant",
    "intergenic_region",
    "intergenic",
)
SEVERITY: dict[str, int] = {term: rank for rank, term in enumerate(_SEVERITY_ORDER)}
UNRANKED = len(_SEVERITY_ORDER)

_CLASS_OF: dict[str, str] = {}
for _cls, _terms in {
    "splice_site": "splice_acceptor_variant splice_acceptor splice_donor_variant splice_donor",
    "nonsense": "stop_gained",
    "frameshift": "frameshift_variant frameshift",
    "stop_lost": "stop_lost",
    "start_lost": "start_lost initiator_codon_variant",
    "inframe_insertion": "inframe_insertion conservative_inframe_insertion "
    "disruptive_inframe_insertion",
    "inframe_deletion": "inframe_deletion conservative_inframe_deletion "
    "disruptive_inframe_deletion",
    "missense": "missense_variant missense rare_amino_acid_variant protein_altering_variant "
    "inframe_altering",
    "splice_region": "splice_region_variant splice_region splice_donor_5th_base_variant "
    "splice_donor_region_variant splice_polypyrimidine_tract_variant",
    "synonymous": "synonymous_variant synonymous stop_retained_variant stop_retained "
    "start_retained_variant start_retained incomplete_terminal_codon_variant",
    "utr": "5_prime_UTR_variant 3_prime_UTR_variant 5_prime_utr 3_prime_utr "
    "5_prime_UTR_premature_start_codon_gain_variant",
    "intronic": "intron_variant intron",
    "noncoding": "non_coding_transcript_exon_variant non_coding_exon_variant "
    "NMD_transcript_variant non_coding_transcript_variant nc_transcript_variant non_coding "
    "mature_miRNA_variant intragenic_variant",
    "upstream_downstream": "upstream_gene_variant downstream_gene_variant",
    "intergenic": "intergenic_variant intergenic_region intergenic TFBS_ablation "
    "TFBS_amplification TF_binding_site_variant regulatory_region_ablation "
    "regulatory_region_amplification regulatory_region_variant feature_truncation",
}.items():
    for _term in _terms.split():
        _CLASS_OF[_term] = _cls


def split_terms(consequence: str) -> list[str]:
    """'missense_variant&splice_region_variant' -> terms; BCSQ's leading '*' is dropped."""
    return [t.lstrip("*") for t in consequence.replace(",", "&").split("&") if t]


def most_severe_term(consequence: str) -> str:
    terms = split_terms(consequence)
    if not terms:
        return ""
    return min(terms, key=lambda t: SEVERITY.get(t, UNRANKED))


def severity(consequence: str) -> int:
    """Rank of the most severe term (lower is more severe)."""
    return min((SEVERITY.get(t, UNRANKED) for t in split_terms(consequence)), default=UNRANKED)


_CLASS_CACHE: dict[str, str] = {}


def variant_class(consequence: str | None) -> str:
    """Canonical class (model.VARIANT_CLASSES) of the most severe term; 'unknown' if none."""
    if not consequence:
        return "unknown"
    cls = _CLASS_CACHE.get(consequence)
    if cls is None:
        cls = _CLASS_OF.get(most_severe_term(consequence), "unknown")
        if len(_CLASS_CACHE) < 10_000:  # term combinations are few; bound it anyway
            _CLASS_CACHE[consequence] = cls
    return cls
