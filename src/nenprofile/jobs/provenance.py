"""Job of rule record_provenance: versions, resolved config, KB version, input checksums."""

from __future__ import annotations

from typing import Any

from nenprofile.io.outputs import atomic_write, write_json, write_tsv


def record_provenance(
    *,
    inputs: dict[str, Any],
    outputs: dict[str, str],
    params: dict[str, Any],
    config: dict[str, Any],
    wildcards: dict[str, str],
) -> None:
    import yaml

    from nenprofile.cohort.provenance import collect_provenance
    from nenprofile.reference.knowledgebase import knowledge_base_release

    kb_info = {
        **knowledge_base_release(config["knowledge_base"]["path"]),
        "path": config["knowledge_base"]["path"] or "bundled",
        "civic": config["knowledge_base"].get("civic"),
        "moalmanac": config["knowledge_base"].get("moalmanac"),
    }
    provenance = collect_provenance(config, [tuple(t) for t in params["inputs"]], kb_info)
    write_json(outputs["provenance"], provenance)
    with atomic_write(outputs["config"]) as out:
        yaml.safe_dump(dict(config), out, sort_keys=True)
    write_tsv(outputs["checksums"], provenance["inputs"], ["sample", "role", "path", "sha256"])
    write_tsv(
        outputs["versions"],
        [{"tool": k, "version": v} for k, v in sorted(provenance["tools"].items())],
        ["tool", "version"],
    )
