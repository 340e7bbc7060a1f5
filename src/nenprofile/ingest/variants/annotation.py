"""Parse VEP CSQ, SnpEff ANN and bcftools BCSQ INFO strings; pick one transcript per allele.

Header field indices are resolved once per file; per record we split the INFO string and
look only at the fields needed to pick the transcript and fill the Variant.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Container, Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from operator import itemgetter
from typing import Any

from nenprofile.ingest.variants.consequences import (
    UNRANKED,
    most_severe_term,
    severity,
    variant_class,
)
from nenprofile.ingest.variants.hgvs import bcsq_hgvsp, short_hgvsp, strip_transcript
from nenprofile.model import Variant

# population allele frequencies as VEP (CSQ), vcf2maf and Funcotator write them, overall and
# per population: gnomAD (gnomAD_AF, gnomADe_AF, gnomADg_NFE_AF, gnomAD_exome_AF_afr ...),
# ExAC (ExAC_AF, ExAC_AF_NFE ...), 1000 Genomes (AF, GMAF, EUR_AF, EUR_MAF ...), ESP
# (AA_AF, EA_AF, AA_MAF, EA_MAF) and VEP's MAX_AF; a variant common in any population is a
# polymorphism, as MAX_AF says
_POPULATION_AF = re.compile(
    r"gnomAD[A-Za-z_]*?_AF(?:_[A-Za-z]+)?|ExAC_AF(?:_[A-Za-z]+)?"
    r"|(?:AFR|AMR|ASN|EAS|EUR|SAS|AA|EA)_(?:AF|MAF)|AF|GMAF|MAX_AF"
)


@cache
def is_population_af(name: str) -> bool:
    """Whether a CSQ field or MAF column holds a population allele frequency."""
    return _POPULATION_AF.fullmatch(name) is not None


@dataclass(slots=True)
class Annotation:
    gene: str | None
    consequence: str | None
    hgvsc: str | None = None
    hgvsp: str | None = None
    transcript: str | None = None
    exon: str | None = None
    population_af: float | None = None
    clinvar: str | None = None
    existing_variation: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def vep_alleles(ref: str, alts: list[str]) -> list[str]:
    """The allele strings VEP writes for each ALT: a shared first base is trimmed from all
    alleles when any allele differs in length ('-' for an empty allele)."""
    if all(len(a) == 1 for a in alts) and len(ref) == 1:
        return alts
    first = ref[0]
    if all(a and a[0] == first for a in alts):
        return [a[1:] or "-" for a in alts]
    return alts


def max_float(text: str) -> float | None:
    """Largest number in '0.01&0.2' or 'A:0.0012' style values."""
    try:
        return float(text)  # the usual single value; any other form raises ValueError here
    except ValueError:
        pass
    best = None
    for part in text.replace(",", "&").split("&"):
        part = part.rpartition(":")[2]
        try:
            value = float(part)
        except ValueError:
            continue
        if best is None or value > best:
            best = value
    return best


def largest_population_af(texts: tuple[str, ...]) -> float | None:
    """The largest number among a transcript's population-AF fields (empty ones skipped)."""
    best = None
    for text in texts:
        if text:
            try:
                number: float | None = float(text)
            except ValueError:
                number = max_float(text)
            if number is not None and (best is None or number > best):
                best = number
    return best


BIN_SHIFT = 10  # 1 kb position bins
GENE_PADDING = 20_000  # VEP annotates up/downstream genes within 5 kb by default


@dataclass(frozen=True)
class PositionBins:
    """Per chromosome, the position bins (pos >> BIN_SHIFT) within GENE_PADDING of a gene
    of interest, or holding a build marker position: the VEP fast loop sends records in
    them to the general route (CsqParser.parse_genes, build evidence). A VEP entry of a
    gene of interest farther from that gene than GENE_PADDING would be missed there."""

    bins: dict[str, frozenset[int]]


def position_bins(
    genes: Collection[str], build: str, positions: Iterable[tuple[str, int]] = ()
) -> PositionBins:
    from nenprofile.reference.genes import GeneIndex

    spans = GeneIndex.load(build).spans
    bins: dict[str, set[int]] = {}
    for gene in genes:
        span = spans.get(gene)
        if span is not None:
            chrom, start, end = span
            first = max(start - GENE_PADDING, 0) >> BIN_SHIFT
            last = (end + GENE_PADDING) >> BIN_SHIFT
            bins.setdefault(chrom, set()).update(range(first, last + 1))
    for chrom, pos in positions:
        bins.setdefault(chrom, set()).add(pos >> BIN_SHIFT)
    return PositionBins({c: frozenset(b) for c, b in bins.items()})


class CsqParser:
    """VEP CSQ (Format: Allele|Consequence|... from the header Description)."""

    tag = "CSQ"
    source = "VEP"

    def __init__(self, description: str) -> None:
        names = description.split("Format:", 1)[1].strip().strip('"').strip().split("|")
        index = {name.strip(): i for i, name in enumerate(names)}
        self.n = len(names)
        self.allele = index.get("Allele", 0)
        self.consequence = index.get("Consequence", 1)
        self.symbol = index.get("SYMBOL")
        self.feature = index.get("Feature")
        self.exon = index.get("EXON")
        self.hgvsc = index.get("HGVSc")
        self.hgvsp = index.get("HGVSp")
        self.pick = index.get("PICK")
        self.mane = index.get("MANE_SELECT", index.get("MANE"))
        self.canonical = index.get("CANONICAL")
        self.allele_num = index.get("ALLELE_NUM")
        self.clin_sig = index.get("CLIN_SIG")
        self.existing = index.get("Existing_variation")
        self.protein_position = index.get("Protein_position")
        self.amino_acids = index.get("Amino_acids")
        self.pop_af = [i for name, i in index.items() if is_population_af(name)]

        # one C-level fetch of every field parse() reads; absent fields read the '' that
        # parse() appends to the entry (index -1)
        wanted = (self.consequence, self.symbol, self.hgvsc, self.hgvsp, self.feature,
                  self.exon, self.clin_sig, self.existing)  # fmt: skip
        self._fields = itemgetter(*(-1 if i is None else i for i in wanted))
        self._pop_fields = itemgetter(*self.pop_af, -1) if self.pop_af else None
        self._rules = tuple(
            (idx, wanted_value)
            for idx, wanted_value in ((self.pick, "1"), (self.mane, None), (self.canonical, "YES"))
            if idx is not None
        )
        self._interned: dict[str, str] = {}

    def choose(self, entries: list[list[str]]) -> list[str]:
        for idx, wanted in self._rules:
            for entry in entries:
                value = entry[idx]
                if (value == wanted) if wanted else value:
                    return entry
        return min(entries, key=lambda e: severity(e[self.consequence]))

    def _choose_raw(self, raws: list[str]) -> list[str] | None:
        """choose() over unsplit entries, skipping entries with fewer than n fields; only the
        rule fields are cut out until one matches. None when no entry is complete."""
        bars = self.n - 1
        for idx, wanted in self._rules:
            for raw in raws:
                count = raw.count("|")
                if count < bars:
                    continue
                tail = count - idx + 1  # fields from idx to the end
                value = raw.rsplit("|", tail)[1] if tail < idx else raw.split("|", idx + 1)[idx]
                if (value == wanted) if wanted else value:
                    return raw.split("|")
        entries = [e for e in (raw.split("|") for raw in raws) if len(e) > bars]
        return self.choose(entries) if entries else None

    def parse(
        self,
        value: str,
        ref: str,
        alts: list[str],
        allele_index: int,
        genes: Container[str] | None = None,
    ) -> Annotation | None:
        """One allele's annotation; with genes, per gene (parse_genes)."""
        if genes is None:
            fields = self.parse_fields(value, ref, alts, allele_index)
            return None if fields is None else Annotation(*fields)
        found = self.parse_genes(value, ref, alts, allele_index, genes)
        if found is None:
            return None
        annotation = Annotation(*found[0])
        if found[1]:
            annotation.extra["other_genes"] = found[1]
        return annotation

    def parse_fields(
        self, value: str, ref: str, alts: list[str], allele_index: int
    ) -> tuple[Any, ...] | None:
        """Annotation's fields in order (gene .. existing_variation) without building one."""
        if len(alts) == 1:
            e = self._choose_raw(value.split(","))
        else:
            entries = self._allele_entries(value, ref, alts, allele_index)
            e = self.choose(entries) if entries else None
        return None if e is None else self._entry_fields(e)

    def parse_genes(
        self, value: str, ref: str, alts: list[str], allele_index: int, genes: Container[str]
    ) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]] | None:
        """parse_fields, each gene of interest with its own best transcript: (the primary
        entry's fields, the other genes of interest's fields). The primary is parse_fields'
        choice unless another gene of interest has a more severe consequence: then that
        gene's (a neighbouring gene's MANE entry listed first must not hide TP53 R248Q,
        nor keep it out of TMB). Within a gene: PICK > MANE > canonical > most severe."""
        entries = self._allele_entries(value, ref, alts, allele_index)
        if not entries:
            return None
        chosen = self.choose(entries)
        symbol = self.symbol
        if symbol is None:
            return self._entry_fields(chosen), []
        chosen_gene = chosen[symbol]
        by_gene: dict[str, list[list[str]]] = {}
        for entry in entries:
            gene = entry[symbol]
            if gene != chosen_gene and gene in genes:
                by_gene.setdefault(gene, []).append(entry)
        others = [self.choose(group) for group in by_gene.values()]
        rank = self.consequence
        worst = min(others, key=lambda e: severity(e[rank]), default=None)
        if worst is not None and severity(worst[rank]) < severity(chosen[rank]):
            others.remove(worst)
            if chosen_gene in genes:
                others.insert(0, chosen)
            chosen = worst
        return self._entry_fields(chosen), [self._entry_fields(e) for e in others]

    def _allele_entries(
        self, value: str, ref: str, alts: list[str], allele_index: int
    ) -> list[list[str]]:
        """The complete entries of one allele (every complete entry for a single ALT)."""
        n = self.n
        entries = [e for e in (raw.split("|") for raw in value.split(",")) if len(e) >= n]
        if len(alts) == 1:
            return entries
        if self.allele_num is not None:
            wanted = str(allele_index + 1)
            return [e for e in entries if e[self.allele_num] == wanted]
        wanted = vep_alleles(ref, alts)[allele_index]
        return [e for e in entries if e[self.allele] == wanted]

    def _entry_fields(self, e: list[str]) -> tuple[Any, ...]:
        """parse_fields' result for one chosen entry (a copy: the entry is not changed)."""
        e = [*e, ""]
        consequence, gene, hgvsc, hgvsp, transcript, exon, clinvar, existing = self._fields(e)
        population_af = None
        if self._pop_fields is not None:
            population_af = largest_population_af(self._pop_fields(e))
        interned = self._interned
        if len(interned) > 500_000:
            interned.clear()
        return (
            interned.setdefault(gene, gene) or None,
            interned.setdefault(consequence, consequence) or None,
            strip_transcript(hgvsc),
            short_hgvsp(hgvsp) or self._hgvsp_from_residues(e),
            interned.setdefault(transcript, transcript) or None,
            interned.setdefault(exon, exon) or None,
            population_af,
            clinvar or None,
            existing or None,
        )

    def _hgvsp_from_residues(self, e: list[str]) -> str | None:
        """p.Q132* from Protein_position '132' and Amino_acids 'Q/*' (VEP run without --hgvs);
        single-residue changes only."""
        position = _field(e, self.protein_position)
        residues = _field(e, self.amino_acids)
        if not position or not residues or not position.isdigit():
            return None
        ref, _, alt = residues.partition("/")
        if len(ref) != 1 or len(alt) > 1 or ref == "-" or alt == "-":
            return None
        return f"p.{ref}{position}{alt if alt and alt != ref else '='}"


class AnnParser:
    """SnpEff ANN: Allele|Annotation|Impact|Gene_Name|Gene_ID|Feature_Type|Feature_ID|
    Transcript_BioType|Rank|HGVS.c|HGVS.p|... ; the first entry per allele is the most severe."""

    tag = "ANN"
    source = "SnpEff"

    def parse(
        self,
        value: str,
        ref: str,
        alts: list[str],
        allele_index: int,
        lof: str | None = None,
        nmd: str | None = None,
    ) -> Annotation | None:
        alt = alts[allele_index]
        for raw in value.split(","):
            e = raw.split("|")
            if len(e) < 11:
                continue
            allele = e[0]
            # -cancer mode adds 'ALT-REF' entries comparing tumor to normal; skip them
            if allele != alt and (len(alts) > 1 or "-" in allele):
                continue
            gene = e[3] or None
            extra: dict[str, Any] = {}
            if lof and gene and _tag_names_gene(lof, gene):
                extra["lof"] = True
            if nmd and gene and _tag_names_gene(nmd, gene):
                extra["nmd"] = True
            return Annotation(
                gene=gene,
                consequence=e[1] or None,
                hgvsc=e[9] or None,
                hgvsp=short_hgvsp(e[10]),
                transcript=e[6] or None,
                exon=e[8] or None,
                extra=extra,
            )
        return None


class BcsqParser:
    """bcftools csq BCSQ: Consequence|gene|transcript|biotype|strand|amino_acid_change|dna_change.

    '@POS' entries point at the record holding the joint consequence and are skipped; a
    leading '*' marks a consequence downstream of a stop or frameshift.
    """

    tag = "BCSQ"
    source = "BCSQ"

    def parse(self, value: str, ref: str, alts: list[str], allele_index: int) -> Annotation | None:
        best: list[str] | None = None
        best_rank = UNRANKED + 1
        for raw in value.split(","):
            if raw.startswith("@"):
                continue
            e = raw.split("|")
            rank = severity(e[0])
            if rank < best_rank:
                best, best_rank = e, rank
        if best is None:
            return None
        term = most_severe_term(best[0])
        extra: dict[str, Any] = {}
        if best[0].startswith("*"):
            extra["downstream_of_stop"] = True
        if len(best) > 6 and best[6]:
            extra["bcsq_dna_change"] = best[6]  # genomic (e.g. 140753336A>T), not HGVS c.
        return Annotation(
            gene=_field(best, 1),
            consequence=best[0].lstrip("*") or None,
            hgvsp=bcsq_hgvsp(best[5], term) if len(best) > 5 and best[5] else None,
            transcript=_field(best, 2),
            extra=extra,
        )


def _field(entry: list[str], idx: int | None) -> str | None:
    if idx is None or idx >= len(entry):
        return None
    return entry[idx] or None


def _tag_names_gene(tag_value: str, gene: str) -> bool:
    return any(part.strip("()").split("|")[0] == gene for part in tag_value.split(","))


def gene_variants(variant: Variant) -> list[Variant]:
    """The variant in each other gene its VEP record names (extra['other_genes'], fields as
    CsqParser.parse_fields returns them), each with that gene's own transcript."""
    extra = {k: v for k, v in variant.extra.items() if k != "other_genes"}
    found = []
    for (
        gene,
        consequence,
        hgvsc,
        hgvsp,
        transcript,
        exon,
        pop_af,
        clinvar,
        existing,
    ) in variant.extra.get("other_genes", ()):
        found.append(
            replace(
                variant, gene=gene, variant_class=variant_class(consequence),
                consequence=consequence, hgvsc=hgvsc, hgvsp=hgvsp, transcript=transcript,
                exon=exon, population_af=pop_af, clinvar=clinvar, existing_variation=existing,
                extra={**extra, "gene_of_record": variant.gene},
            )
        )  # fmt: skip
    return found
