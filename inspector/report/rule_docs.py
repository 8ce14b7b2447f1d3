"""The rule reference as files: one Markdown page per rule id and an index (``docs/rules/``)."""

from __future__ import annotations

from inspector.model.rule_reference import page_markdown
from inspector.model.rules import RULES

DOCS_DIR = "docs/rules"


def rule_page(rule_id: str) -> str:
    rule = RULES[rule_id]
    return page_markdown(rule_id, rule.title, rule.severity.value, rule.fix)


def rule_files() -> dict[str, str]:
    """File name -> content for the whole reference, index first."""
    order = sorted(RULES.values(), key=lambda r: (-r.severity.rank, r.id))
    index = ["# Rule reference", "",
             "Every verdict of UXA Inspector has a stable rule id. Each page says what the rule means, "
             "the evidence it rests on, the usual causes and what to do. Also in the terminal: "
             "`uxa-inspector rules RULE`.", "", "| rule id | severity | what |", "|---|---|---|"]
    index += [f"| [`{r.id}`]({r.id}.md) | {r.severity.value} | {r.title} |" for r in order]
    files = {"README.md": "\n".join(index) + "\n"}
    files.update({f"{r.id}.md": rule_page(r.id) for r in order})
    return files
