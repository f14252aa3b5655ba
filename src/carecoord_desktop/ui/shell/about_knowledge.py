"""The About box's lines on the drug knowledge base: its version, counts, and each source with
its licence (knowledge.base.about), so a user can see what the medicine checks rest on."""

from __future__ import annotations

from html import escape

from carecoord_desktop.knowledge.base import KnowledgeBaseError, about


def knowledge_about_html() -> str:
    try:
        info = about()
    except KnowledgeBaseError as exc:  # the checks cannot run: say so rather than hide it
        return f"<b>Drug knowledge base:</b> <span style='color:#8e1b12'>{escape(str(exc))}</span>"
    counts = info.get("counts", {})
    parts = [
        f"<b>Drug knowledge base</b> {escape(str(info.get('name', '')))} "
        f"{escape(str(info.get('version', '')))} (built {escape(str(info.get('built', '')))})",
        ", ".join(
            f"{counts[key]:,} {words}"
            for key, words in (
                ("names", "names"),
                ("ingredients", "ingredients"),
                ("classes", "classes"),
                ("interaction_pairs", "interaction pairs"),
            )
            if key in counts
        ),
    ]
    sources = "".join(
        f"<li>{escape(str(s.get('name', '')))} {escape(str(s.get('version', '')))}: "
        f"{escape(str(s.get('licence', '')))}</li>"
        for s in info.get("sources", [])
    )
    out = "<br>".join(p for p in parts if p)
    if sources:
        out += f"<ul style='margin-top:2px'>{sources}</ul>"
    if info.get("disclaimer"):
        out += f"<i>{escape(str(info['disclaimer']))}</i>"
    return out
