"""Write docs/VARIABLES.md from every role's meta/argument_specs.yml (the single source).

Usage: python scripts/gen_variables_doc.py [--check]   (--check: exit 1 when the file is stale)
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "VARIABLES.md"


def render() -> str:
    lines = ["# Role variables", "",
             "Generated from each role's `meta/argument_specs.yml` by `scripts/gen_variables_doc.py`;",
             "`ansible-doc -t role streamops.kafka.<role>` shows the same. Do not edit by hand.", ""]
    for role in sorted(p for p in (ROOT / "roles").iterdir() if p.is_dir()):
        spec = yaml.safe_load((role / "meta" / "argument_specs.yml").read_text())["argument_specs"]["main"]
        defaults = yaml.safe_load((role / "defaults" / "main.yml").read_text()) or {}
        lines += ["## streamops.kafka.%s" % role.name, "", spec["short_description"], "",
                  "| variable | type | default | description |", "| --- | --- | --- | --- |"]
        for name, opt in spec["options"].items():
            default = defaults.get(name, "(required)" if opt.get("required") else "(none)")
            default = '""' if default == "" else default
            desc = " ".join(opt["description"]) if isinstance(opt["description"], list) else opt["description"]
            lines.append("| `%s` | %s | `%s` | %s |" % (name, opt.get("type", "str"), default, desc.replace("|", "\\|")))
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        return 0 if OUT.exists() and OUT.read_text() == text else 1
    OUT.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
