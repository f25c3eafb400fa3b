"""Build what a Word template sees: every text already formatted by the profile's rules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ._models import Item, ListStyle, Plan, Task
from ._numbering import label
from ._profiles import Profile, resolve_profile
from ._rules import plan_findings, raise_for_errors

__all__ = ["build_context", "template_context"]


def template_context(plan: Plan, *, profile: Profile | str | Path | None = None) -> dict[str, Any]:
    """Exactly the variables a template is rendered with (plain dicts, lists and strings).

    Raises PlanInputError when the plan cannot be rendered under the profile.
    """
    chosen = _profile_for(plan, profile)
    raise_for_errors(plan_findings(plan, chosen), plan)
    return build_context(plan, chosen)


def _profile_for(plan: Plan, profile: Profile | str | Path | None) -> Profile:
    return resolve_profile(profile, plan)


def build_context(plan: Plan, profile: Profile) -> dict[str, Any]:
    """The context of *plan* under *profile*; the plan must have passed `plan_findings` without
    errors (every signature's prefix exists in the profile)."""
    from ._dates import format_place_date  # babel is slow to import; only rendering needs it

    number = _number(plan, profile)
    place_date = format_place_date(plan.place, plan.date, plan.issue_year, profile.date)
    parts, blocks = _body(plan, profile)
    tasks = list(_tasks(parts, profile))
    signatures = _signatures(plan, profile)
    rows = _signature_rows(signatures, plan, profile)
    return {
        "profile": {
            "name": profile.name,
            "version": profile.version,
            "title": profile.title,
            "source": profile.source,
        },
        "plan": plan.model_dump(mode="json"),
        "issuers": [i.model_dump(mode="json") for i in plan.issuers],
        "header": {
            "parents": _parents(plan),
            "issuers": _issuer_lines(plan, profile),
            "issuer_mark": profile.header.issuer_mark or "",
            "motto": list(profile.header.motto),
            "number": number["text"],
            "urgency": plan.urgency.value if plan.urgency is not None else "",
            "place_date": place_date,
        },
        "number": number,
        "date": {
            "iso": plan.date.isoformat() if plan.date else None,
            "year": plan.issue_year,
            "text": place_date,
        },
        "title": {
            "type_name": plan.title.type_name.upper(),
            "summary": list(plan.title.summary),
            "summary_mark": profile.title_format.summary_mark or "",
        },
        "preamble": list(plan.preamble),
        "parts": parts,
        "blocks": blocks,
        "tasks": tasks,
        "closing": list(plan.closing),
        "signatures": signatures,
        "signature_rows": rows,
        "signature_columns": max((len(row) for row in rows), default=1),
        "recipients": {
            "label": profile.recipients.label,
            "lines": _recipient_lines(plan, profile),
        },
    }


def _parents(plan: Plan) -> list[str]:
    """The parent body over the issuers, shown once when they share it."""
    parents = {i.parent for i in plan.issuers}
    if len(parents) == 1 and None not in parents:
        return [plan.issuers[0].parent or ""]
    return []


def _issuer_lines(plan: Plan, profile: Profile) -> list[str]:
    names = [i.name for i in plan.issuers]
    sep = profile.header.joint_separator
    return [name + sep for name in names[:-1]] + names[-1:]


def _number(plan: Plan, profile: Profile) -> dict[str, Any]:
    rule = profile.number
    symbols = list(plan.number.symbols) or [i.abbreviation for i in plan.issuers]
    shown = (
        rule.draft_blank
        if plan.number.number is None
        else str(plan.number.number).zfill(rule.pad_to)
    )
    joined = rule.symbol_separator.join(symbols)
    return {
        "number": "" if plan.number.number is None else shown,
        "type": plan.number.type,
        "symbols": joined,
        "text": rule.template.format(number=shown, type=plan.number.type, symbols=joined),
    }


def _block(kind: str, level: int, label_text: str, text: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "level": level,
        "label": label_text,
        "prefix": f"{label_text} " if label_text else "",
        "text": text,
    }


def _body(plan: Plan, profile: Profile) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The parts as a labelled tree, and the same flattened into paragraphs (blocks)."""
    rule = profile.numbering
    parts: list[dict[str, Any]] = []
    blocks: list[dict[str, Any]] = []
    for n, part in enumerate(plan.parts, 1):
        part_label, _ = label(rule.part, n, "", rule)
        title = part.title.upper() if rule.uppercase_part_titles else part.title
        blocks.append(_block("part", 0, part_label, title))
        blocks.extend(_block("text", 0, "", para) for para in part.text)
        style = part.list_style or rule.first_level
        parts.append(
            {
                "label": part_label,
                "title": title,
                "text": list(part.text),
                "items": _items(part.items, style, "", 1, profile, blocks),
            }
        )
    return parts, blocks


def _items(
    items: list[Item],
    style: ListStyle,
    parent_number: str,
    level: int,
    profile: Profile,
    blocks: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    rule = profile.numbering
    out = []
    for n, item in enumerate(items, 1):
        item_label, number = label(style, n, parent_number, rule)
        if item.title is not None:
            blocks.append(_block("heading", level, item_label, item.title))
            blocks.extend(_block("text", level, "", para) for para in item.text)
        else:
            blocks.append(_block("text", level, item_label, item.text[0]))
            blocks.extend(_block("text", level, "", para) for para in item.text[1:])
        task = _task(item.task, profile) if item.task else None
        if task:
            bullet, _ = label(profile.tasks.bullet, 1, "", rule)
            blocks.extend(_block("task", level, bullet, line) for line in task["lines"])
        child_style = item.list_style or rule.after[style]
        out.append(
            {
                "label": item_label,
                "title": item.title or "",
                "text": list(item.text),
                "task": task,
                "items": _items(item.items, child_style, number, level + 1, profile, blocks),
            }
        )
    return out


def _tasks(items: list[dict[str, Any]], profile: Profile) -> Iterator[dict[str, Any]]:
    """Every item with a task, in document order, flat: rows of a task table."""
    sep = profile.tasks.separator
    for item in items:
        task = item.get("task")
        if task:
            yield {
                "label": item["label"],
                "text": item["title"] or (item["text"][0] if item["text"] else ""),
                "lead": sep.join(task["lead"]),
                "coordinating": sep.join(task["coordinating"]),
                "timeline": task["timeline"],
            }
        yield from _tasks(item["items"], profile)


def _task(task: Task, profile: Profile) -> dict[str, Any]:
    fmt = profile.tasks
    rows = [(fmt.lead, fmt.separator.join(task.lead))]
    if task.coordinating:
        rows.append((fmt.coordinating, fmt.separator.join(task.coordinating)))
    if task.timeline:
        rows.append((fmt.timeline, task.timeline))
    return {
        "lead": list(task.lead),
        "coordinating": list(task.coordinating),
        "timeline": task.timeline or "",
        "lines": [fmt.line.format(label=lbl, value=value) + fmt.end for lbl, value in rows],
    }


def _signatures(plan: Plan, profile: Profile) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for n, sig in enumerate(plan.signatures):
        issuer = plan.signing_issuer(n)
        prefixes = profile.signature.prefixes_for(issuer.kind, profile.default_for)
        authority = [
            profile.signature.line.format(prefix=prefixes[a.type], of=a.of) for a in sig.authority
        ]
        if sig.body:
            authority.append(sig.body)
        out.append(
            {
                "issuer": issuer.abbreviation,
                "kind": issuer.kind,
                "authority": authority,
                "position": sig.position or "",
                "signer": sig.signer,
                "padding": 0,
            }
        )
    # blocks side by side: pad the shorter ones so every signer's name stands level
    lines = [len(s["authority"]) + (1 if s["position"] else 0) for s in out]
    for block, count in zip(out, lines, strict=True):
        block["padding"] = max(lines) - count
    return out


def _signature_rows(
    signatures: list[dict[str, Any]], plan: Plan, profile: Profile
) -> list[list[dict[str, Any]]]:
    """The blocks in rows of the profile's `per_row`, the lead body's where the profile says."""
    ordered = list(signatures)
    lead = profile.signature.lead
    leader = plan.issuers[0].abbreviation
    first = next((s for s in ordered if s["issuer"] == leader), None)
    per_row = max(1, profile.signature.per_row)
    if lead != "as_given" and first is not None and len(ordered) > 1:
        ordered.remove(first)
        at = min(per_row, len(ordered) + 1) - 1 if lead == "right" else 0
        ordered.insert(at, first)
    return [ordered[n : n + per_row] for n in range(0, len(ordered), per_row)]


def _recipient_lines(plan: Plan, profile: Profile) -> list[str]:
    fmt = profile.recipients
    lines = [
        fmt.bullet + r.name + (" " + fmt.marker.format(marker=r.marker) if r.marker else "")
        for r in plan.recipients.to
        if r.name
    ]
    if plan.recipients.archive:
        holders = fmt.archive_separator.join(plan.recipients.archive)
        lines.append(fmt.bullet + fmt.archive.format(holders=holders))
    return [
        line + (fmt.last_end if k == len(lines) - 1 else fmt.line_end)
        for k, line in enumerate(lines)
    ]
