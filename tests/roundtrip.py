"""`import(render(plan)) == plan`, after the normalisation docs/import.md states: what a printed
plan cannot tell is compared as the document tells it."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from planforge import Plan, Profile
from planforge._models import one_line
from planforge._profiles import builtin_profiles, default_profile

Data = dict[str, Any]


def _upper(text: str) -> str:
    return text.upper()


def expected_after_import(plan: Plan, profile: Profile, imported: Plan) -> Data:
    """*plan*'s data as a document printed under *profile* tells it (docs/import.md)."""
    data = plan.model_dump(mode="json")
    got = imported.model_dump(mode="json")
    issuers = data["issuers"]
    abbreviations = [i["abbreviation"] for i in issuers]
    # the profile: named only when it is not the one the plan's first body and date get
    data["profile"] = None
    if profile.name in builtin_profiles():
        day = plan.date or _dt.date.today()
        try:
            default = default_profile(issuers[0]["kind"], day).name
        except Exception:
            default = None
        if default != profile.name:
            data["profile"] = profile.name
    # a parent body is printed when all the bodies share it
    parents = {i["parent"] for i in issuers}
    for issuer in issuers:
        if len(parents) != 1:
            issuer["parent"] = None
    # a symbol of one abbreviation per body gives the bodies' abbreviations (the plan's own
    # are not printed anywhere); it is then the default one
    symbols = data["number"]["symbols"]
    if len(symbols) == len(issuers) and symbols != abbreviations:
        renamed = dict(zip(abbreviations, symbols, strict=True))
        for issuer, symbol in zip(issuers, symbols, strict=True):
            issuer["abbreviation"] = symbol
        for sig in data["signatures"]:
            sig["issuer"] = renamed.get(sig["issuer"], sig["issuer"])
        abbreviations = list(symbols)
    # a symbol that is every body's abbreviation in order is the default one
    if data["number"]["symbols"] == abbreviations:
        data["number"]["symbols"] = []
    if data["number"]["symbols"]:
        # abbreviations the symbol does not give are guessed: compared as read
        for mine, theirs in zip(issuers, got["issuers"], strict=False):
            if mine["abbreviation"] not in data["number"]["symbols"]:
                mine["abbreviation"] = theirs["abbreviation"]
        abbreviations = [i["abbreviation"] for i in issuers]
    if data["date"] is not None:
        data["year"] = None
    data["title"]["type_name"] = _upper(data["title"]["type_name"])
    numbering = profile.numbering
    for part in data["parts"]:
        if numbering.uppercase_part_titles:
            part["title"] = _upper(part["title"])
        part["list_style"] = _list_style(part, numbering.first_level.value, numbering)
    for n, sig in enumerate(data["signatures"]):
        position_default = abbreviations[min(n, len(abbreviations) - 1)]
        if sig["issuer"] == position_default:
            sig["issuer"] = None
        if sig["issuer"] is not None and sig["issuer"] not in abbreviations:
            sig["issuer"] = None
        if sig["authority"] and sig["body"]:
            # a body under authority lines reads as more lines of the last one
            last = sig["authority"][-1]
            last["of"] = f"{last['of']}\n{sig['body']}"
            sig["body"] = None
    # a recipient without a name is left out; a note in brackets that is not a usual marker
    # reads as part of the name
    data["recipients"]["to"] = [r for r in data["recipients"]["to"] if r["name"]]
    _lines_as_printed(data, got)
    _units_as_text(data, got, profile)
    return data


def _list_style(node: Data, default: str, numbering: Any) -> str | None:
    """A list style equal to the profile's default (or on an item without items) is none."""
    style = node.get("list_style") or default
    for item in node.get("items", []):
        item["list_style"] = _list_style(item, numbering.after[style], numbering)
    if not node.get("items"):
        return None
    return None if style == default else style


def _walk_pairs(mine: Any, theirs: Any) -> Any:
    """Pairs of (container, key, their value) for every place both data have."""
    if isinstance(mine, dict) and isinstance(theirs, dict):
        for key in mine:
            if key in theirs:
                yield mine, key, theirs[key]
                yield from _walk_pairs(mine[key], theirs[key])
    elif isinstance(mine, list) and isinstance(theirs, list):
        for k, (a, b) in enumerate(zip(mine, theirs, strict=False)):
            yield mine, k, b
            yield from _walk_pairs(a, b)


def _lines_as_printed(data: Data, got: Data) -> None:
    """Lines a clerk gave that are exactly where planforge breaks the text print the same
    as the text: they may come back as one text."""
    for container, key, theirs in list(_walk_pairs(data, got)):
        mine = container[key]
        if isinstance(mine, str) and "\n" in mine and theirs == one_line(mine):
            container[key] = theirs


def _units_as_text(data: Data, got: Data, profile: Profile) -> None:
    """Units of a task and archive holders compare as the text printed from them."""
    separator = profile.tasks.separator
    for container, key, theirs in list(_walk_pairs(data, got)):
        mine = container[key]
        if (
            key in ("lead", "coordinating")
            and isinstance(mine, list)
            and isinstance(theirs, list)
            and separator.join(mine) == separator.join(theirs)
        ):
            container[key] = theirs
    archive = data["recipients"]["archive"]
    if profile.recipients.archive_separator.join(
        archive
    ) == profile.recipients.archive_separator.join(got["recipients"]["archive"]):
        data["recipients"]["archive"] = got["recipients"]["archive"]
    to, their_to = data["recipients"]["to"], got["recipients"]["to"]
    if len(to) == len(their_to):
        for k, (mine, theirs) in enumerate(zip(to, their_to, strict=True)):
            printed = mine["name"] + (f" ({mine['marker']})" if mine["marker"] else "")
            if theirs["marker"] is None and theirs["name"] == printed:
                to[k] = theirs


def differences(want: Any, got: Any, path: str = "") -> list[str]:
    """Where two plans' data differ, as `path: want != got` lines."""
    if isinstance(want, dict) and isinstance(got, dict):
        out = []
        for key in want.keys() | got.keys():
            out += differences(want.get(key), got.get(key), f"{path}.{key}" if path else key)
        return out
    if isinstance(want, list) and isinstance(got, list):
        out = []
        if len(want) != len(got):
            out.append(f"{path}: {len(want)} entries != {len(got)}")
        for k, (a, b) in enumerate(zip(want, got, strict=False)):
            out += differences(a, b, f"{path}[{k}]")
        return out
    return [] if want == got else [f"{path}: {want!r:.120} != {got!r:.120}"]


def check_round_trip(plan: Plan, profile: Profile, document: bytes) -> None:
    """Read *document* back and compare it with *plan*; AssertionError naming each difference."""
    from planforge._import import read_plan_data
    from planforge._word.reader import read_document

    reading = read_plan_data(read_document(document), profile=profile)
    imported = Plan.model_validate(reading.data)
    want = expected_after_import(plan, profile, imported)
    diff = differences(want, imported.model_dump(mode="json"))
    if diff:
        raise AssertionError(
            "import(render(plan)) differs from the plan:\n  " + "\n  ".join(diff[:12])
        )
