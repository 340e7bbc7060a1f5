"""Tumor-site vocabulary: plain words from the sample sheet mapped to one controlled term."""

from __future__ import annotations

import re

# Controlled vocabulary. GEP = gastroenteropancreatic.
SITES = (
    "pancreas",
    "lung",
    "colorectal",
    "small_intestine",
    "stomach",
    "appendix",
    "esophagus",
    "gallbladder_biliary",
    "liver",
    "prostate",
    "bladder",
    "cervix",
    "head_and_neck",
    "skin",
    "thymus",
    "unknown_primary",
    "other",
    "unknown",
)
GEP_SITES = frozenset(
    {
        "pancreas",
        "colorectal",
        "small_intestine",
        "stomach",
        "appendix",
        "esophagus",
        "gallbladder_biliary",
        "liver",
    }
)

_SYNONYMS: dict[str, str] = {
    "pancreas": "pancreas",
    "pancreatic": "pancreas",
    "pnet": "pancreas",
    "pannet": "pancreas",
    "pannec": "pancreas",
    "lung": "lung",
    "pulmonary": "lung",
    "bronchus": "lung",
    "bronchial": "lung",
    "thoracic": "lung",
    "colon": "colorectal",
    "rectum": "colorectal",
    "rectal": "colorectal",
    "colorectal": "colorectal",
    "colorectum": "colorectal",
    "large bowel": "colorectal",
    "large intestine": "colorectal",
    "sigmoid": "colorectal",
    "caecum": "colorectal",
    "cecum": "colorectal",
    "small bowel": "small_intestine",
    "small intestine": "small_intestine",
    "ileum": "small_intestine",
    "ileal": "small_intestine",
    "jejunum": "small_intestine",
    "duodenum": "small_intestine",
    "duodenal": "small_intestine",
    "midgut": "small_intestine",
    "stomach": "stomach",
    "gastric": "stomach",
    "appendix": "appendix",
    "appendiceal": "appendix",
    "esophagus": "esophagus",
    "oesophagus": "esophagus",
    "esophageal": "esophagus",
    "oesophageal": "esophagus",
    "gallbladder": "gallbladder_biliary",
    "biliary": "gallbladder_biliary",
    "bile duct": "gallbladder_biliary",
    "ampulla": "gallbladder_biliary",
    "ampullary": "gallbladder_biliary",
    "liver": "liver",
    "hepatic": "liver",
    "prostate": "prostate",
    "bladder": "bladder",
    "urinary bladder": "bladder",
    "urothelial": "bladder",
    "cervix": "cervix",
    "cervical": "cervix",
    "uterine cervix": "cervix",
    "head and neck": "head_and_neck",
    "larynx": "head_and_neck",
    "laryngeal": "head_and_neck",
    "sinonasal": "head_and_neck",
    "skin": "skin",
    "merkel": "skin",
    "merkel cell": "skin",
    "thymus": "thymus",
    "thymic": "thymus",
    "unknown primary": "unknown_primary",
    "cup": "unknown_primary",
    "carcinoma of unknown primary": "unknown_primary",
    "other": "other",
    "unknown": "unknown",
    "na": "unknown",
    "": "unknown",
}


def _key(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.strip().lower())


def normalise_site(text: str | None) -> tuple[str, bool]:
    """Map a free-text tumor site to the vocabulary.

    Returns (site, known). An unrecognised site maps to "other" with known=False so the
    caller can warn; it is never rejected.
    """
    if text is None:
        return "unknown", True
    key = _key(str(text))
    if key in _SYNONYMS:
        return _SYNONYMS[key], True
    if key.replace(" ", "_") in SITES:
        return key.replace(" ", "_"), True
    return "other", False
