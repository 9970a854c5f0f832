"""Docs enforced by tests: every table column, spider, Make target, setting and environment
variable is documented, and the generated schema doc matches the code."""

import re
import subprocess
import sys
from pathlib import Path

import yaml
from scrapy.settings import default_settings

import crawler.settings as project_settings
from crawler.storage.schema import TABLES, schema_doc

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
METADATA = yaml.safe_load((ROOT / "datasets" / "metadata.yml").read_text(encoding="utf-8"))
DOCS = README + "".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md"))


def test_every_column_has_a_description():
    tables = METADATA["databases"]["observatory"]["tables"]
    missing = [
        f"{t}.{c}"
        for t, (cols, _) in TABLES.items()
        for c in cols
        if not (tables.get(t, {}).get("columns") or {}).get(c)
    ]
    assert missing == []
    assert all(tables[t].get("description") for t in TABLES)


def test_schema_doc_is_current():
    assert (ROOT / "docs" / "schema.md").read_text(encoding="utf-8") == schema_doc(METADATA), (
        "run: python -m crawler.storage.schema > docs/schema.md"
    )


def test_every_spider_documented():
    out = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True, text=True, check=True)
    spiders = out.stdout.split()
    assert len(spiders) >= 10
    assert [s for s in spiders if f"`{s}`" not in README] == []


def test_every_make_target_documented():
    targets = re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(), re.M)
    internal = {"venv", "help", "clean"}
    assert [t for t in targets if t not in internal and f"make {t}" not in README] == []


def test_every_project_setting_documented():
    own = [k for k in dir(project_settings) if k.isupper() and not hasattr(default_settings, k) and k != "PROJECT_ROOT"]
    undocumented = [
        k
        for k in own
        if k not in DOCS
        and not any(k.startswith(p.rstrip("*")) and p in DOCS for p in re.findall(r"`([A-Z_]+\*)`", DOCS))
    ]
    assert undocumented == []


def test_every_environment_variable_documented():
    source = (ROOT / "crawler" / "settings.py").read_text()
    names = set(re.findall(r'os\.environ\.get\(\s*"([A-Z_]+)"', source))
    assert names and [n for n in names if f"`{n}`" not in README] == []
    # the environment is read in settings.py only
    reads = re.compile(r"os\.environ\.get|os\.environ\[|os\.getenv")
    files = [*(ROOT / "crawler").rglob("*.py"), *(ROOT / "pipelines").rglob("*.py")]
    others = [p.name for p in files if p.name != "settings.py" and reads.search(p.read_text())]
    assert others == []
