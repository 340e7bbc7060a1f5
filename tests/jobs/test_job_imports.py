"""What a job imports before and while it works: its config comes validated by the Snakefile,
so no job on the one-sample path imports jsonschema (60-80 ms of start-up CPU per job)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from nenprofile.ingest.sheet import load_sample_sheet, validate_config
from nenprofile.layout import PROVENANCE_FILES, SAMPLE_TABLES
from nenprofile.reference.knowledgebase import load_knowledge_base

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "workflow" / "schemas"
JOB_MODULES = (
    "nenprofile.jobs.runner",
    "nenprofile.jobs.profile",
    "nenprofile.jobs.provenance",
    "nenprofile.jobs.cohort",
    "nenprofile.jobs.reports",
    "nenprofile.report.data",
    "nenprofile.report.html",
)


def _run(code: str) -> list[str]:
    """The modules of `code`'s process, among those a job need not import."""
    script = code + (
        "\nimport sys\n"
        "print(sorted(m for m in ('jsonschema', 'referencing') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1].replace("'", '"'))


def test_importing_the_job_modules_does_not_import_jsonschema():
    assert _run("\n".join(f"import {module}" for module in JOB_MODULES)) == []
    # while validating a config still does
    validating = "from nenprofile.settings import Settings\nSettings.from_partial({'tmb': {}})"
    assert _run(validating) == ["jsonschema", "referencing"]


def test_a_profiling_job_does_its_work_without_jsonschema(tmp_path):
    sheet = tmp_path / "samples.tsv"
    vcf = REPO / "config" / "demo" / "NEN01.vep.vcf.gz"
    sheet.write_text(
        "sample\tvcf\ttumor_site\tdifferentiation\tgenome_build\n"
        f"S1\t{vcf}\tpancreas\tpoor\tGRCh38\n"
    )
    config = validate_config({"cohort": "t", "samples": str(sheet)}, SCHEMAS / "config.schema.yaml")
    record = load_sample_sheet(sheet, SCHEMAS / "samples.schema.yaml").rows["S1"]
    outputs = {name: str(tmp_path / f"S1.{suffix}") for name, suffix in SAMPLE_TABLES.items()}
    job = tmp_path / "job.json"
    job.write_text(json.dumps({"config": config, "record": record, "outputs": outputs}))
    loaded = _run(
        "import json\n"
        "from nenprofile.jobs.profile import profile_sample\n"
        f"job = json.loads(open({str(job)!r}).read())\n"
        "profile_sample(inputs={'variants': job['record']['vcf']}, outputs=job['outputs'],\n"
        "               params={'record': job['record']}, config=job['config'],\n"
        "               wildcards={'sample': 'S1'})\n"
    )
    assert loaded == []
    ingest = json.loads(Path(outputs["ingest"]).read_text())
    assert (ingest["sample"], ingest["caller"], ingest["annotation"]) == ("S1", "Mutect2", "VEP")
    assert (ingest["counts"]["records_read"], ingest["counts"]["variants"]) == (2, 2)


def test_the_provenance_job_trusts_the_validated_bundled_knowledge_base(tmp_path):
    """The bundled knowledge base's release is the one a test validated (BUNDLED_VALIDATED):
    recording it needs no jsonschema; a user directory's is validated (test_knowledgebase)."""
    vcf = REPO / "config" / "demo" / "NEN01.vep.vcf.gz"
    config = validate_config({"cohort": "t", "samples": "s.tsv"}, SCHEMAS / "config.schema.yaml")
    outputs = {name: str(tmp_path / file) for name, file in PROVENANCE_FILES.items()}
    job = tmp_path / "job.json"
    job.write_text(json.dumps({"config": config, "outputs": outputs, "vcf": str(vcf)}))
    loaded = _run(
        "import json\n"
        "from nenprofile.jobs.provenance import record_provenance\n"
        f"job = json.loads(open({str(job)!r}).read())\n"
        "record_provenance(inputs={}, outputs=job['outputs'], config=job['config'],\n"
        "                  params={'inputs': [['S1', 'vcf', job['vcf']]]}, wildcards={})\n"
    )
    assert loaded == []
    provenance = json.loads(Path(outputs["provenance"]).read_text())
    bundled = load_knowledge_base()
    assert provenance["knowledge_base"]["path"] == "bundled"
    assert (provenance["knowledge_base"]["version"], provenance["knowledge_base"]["checksum"]) == (
        bundled.version,
        bundled.checksum,
    )
    assert [row["path"] for row in provenance["inputs"]] == [str(vcf)]
