"""Checks of a plan's content against its profile: deviations the user may intend."""

from __future__ import annotations

import unicodedata

from ._errors import PlanWarning
from ._models import AuthorityType, Plan
from ._profiles import Profile

__all__ = ["plan_warnings"]


def plan_warnings(plan: Plan, profile: Profile) -> list[PlanWarning]:
    """Every warning for *plan* under *profile*, in document order."""
    return [
        *_number_warnings(plan, profile),
        *_signature_warnings(plan, profile),
        *_recipient_warnings(plan, profile),
    ]


def _words(text: str, expansions: dict[str, str]) -> list[str]:
    """Upper-case words without diacritics, abbreviations spelled out: UỶ and ỦY compare equal."""
    out: list[str] = []
    for word in text.upper().split():
        for part in expansions.get(word, word).split():
            bare = unicodedata.normalize("NFD", part.replace("Đ", "D"))
            out.append("".join(c for c in bare if not unicodedata.combining(c)))
    return out


def _names_body(name: str, body: str, expansions: dict[str, str]) -> bool:
    """Whether the issuer *name* is the *body* a collective prefix signs for."""
    a, b = _words(name, expansions), _words(body, expansions)
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return any(long[i : i + len(short)] == short for i in range(len(long) - len(short) + 1))


def _number_warnings(plan: Plan, profile: Profile) -> list[PlanWarning]:
    checks = profile.checks
    found = []
    number = plan.number.number
    if number is not None and not 1 <= number <= checks.max_number:
        found.append(
            PlanWarning(
                f"number {number} is outside 1–{checks.max_number}; kept as written",
                field="number.number",
                rule=checks.source_number,
            )
        )
    expected = [i.abbreviation for i in plan.issuers]
    given = list(plan.number.symbols)
    if given and given != expected:
        found.append(
            PlanWarning(
                f"the symbol {'-'.join(given)} does not match the issuers' abbreviations "
                f"({'-'.join(expected)}); kept as written",
                field="number.symbols",
                rule=checks.source_symbol,
            )
        )
    return found


def _signature_warnings(plan: Plan, profile: Profile) -> list[PlanWarning]:
    found: list[PlanWarning] = []
    checks = profile.checks
    for n, sig in enumerate(plan.signatures):
        kind = plan.signing_issuer(n).kind
        for k, authority in enumerate(sig.authority):
            where = f"signatures[{n}].authority[{k}]"
            prefix = profile.signature.prefixes[kind][authority.type]
            shown = profile.signature.line.format(prefix=prefix, of=authority.of)
            if authority.type is not AuthorityType.COLLECTIVE:
                if authority.type is AuthorityType.DEPUTY and not (
                    sig.position or ""
                ).upper().startswith(tuple(checks.deputy_position_prefixes)):
                    found.append(
                        PlanWarning(
                            f"`{shown}` is signed by a deputy, but the position "
                            f"`{sig.position or '(none)'}` is not a deputy's; kept as written",
                            field=f"signatures[{n}].position",
                            rule=checks.source_deputy,
                        )
                    )
                continue
            body = authority.of.upper()
            if body.startswith(tuple(checks.advisory_body_prefixes)) and not body.startswith(
                tuple(checks.collective_body_prefixes)
            ):
                found.append(
                    PlanWarning(
                        f"`{shown}`: the head of an advisory body signs directly, without "
                        f"`{prefix}`; kept as written",
                        field=where,
                        rule=checks.source_collective,
                    )
                )
            # a committee (BAN THƯỜNG VỤ) signs for the body it leads: no issuer name to match
            if not body.startswith(tuple(checks.collective_body_prefixes)) and not any(
                _names_body(i.name, authority.of, checks.expansions) for i in plan.issuers
            ):
                found.append(
                    PlanWarning(
                        f"`{shown}` signs for a body that is not among the issuers "
                        f"({', '.join(i.name for i in plan.issuers)}); kept as written",
                        field=where,
                        rule=checks.source_issuers,
                    )
                )
    if len(plan.issuers) > 1:
        signing = {plan.signing_issuer(n).abbreviation for n in range(len(plan.signatures))}
        missing = [i.name for i in plan.issuers if i.abbreviation not in signing]
        if missing or len(plan.signatures) != len(plan.issuers):
            found.append(
                PlanWarning(
                    f"a joint plan has one signature block per issuing body: "
                    f"{len(plan.issuers)} issuers, {len(plan.signatures)} blocks"
                    + (f"; no block for {', '.join(missing)}" if missing else ""),
                    field="signatures",
                    rule=checks.source_joint,
                )
            )
    return found


def _recipient_warnings(plan: Plan, profile: Profile) -> list[PlanWarning]:
    rule = profile.checks.source_recipients
    found = [
        PlanWarning("empty recipient line; left out", field=f"recipients.to[{n}]", rule=rule)
        for n, recipient in enumerate(plan.recipients.to)
        if not recipient.name
    ]
    if not plan.recipients.archive:
        found.append(
            PlanWarning(
                "no archive line (`Lưu: VT, ...`): the recipients list ends with it",
                field="recipients.archive",
                rule=rule,
            )
        )
    return found
