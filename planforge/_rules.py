"""Checks of a plan's content against its profile: errors that block a render, and deviations
the user may intend (warnings, kept as written)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from ._errors import PlanInputError, Problem, ProfileError
from ._findings import Finding
from ._i18n import _, ngettext
from ._models import AuthorityType, IssuerKind, Plan
from ._profiles import (
    Profile,
    builtin_kinds,
    default_profile,
    plan_day,
    resolve_profile,
    unknown_kind,
)
from ._text import tone_normal

__all__ = ["check_plan", "plan_findings", "raise_for_errors", "same_words"]


def same_words(text: str, words: str) -> bool:
    """Whether *words* stand in *text* as whole words, whatever the tone-mark placement."""
    return f" {tone_normal(words)} " in f" {tone_normal(text)} "


def check_plan(plan: Plan, profile: Profile | str | Path | None = None) -> list[Finding]:
    """Every finding for *plan* under *profile* (default: the plan's own), in document order.

    Errors (a signature prefix the profile does not have) block a render; warnings are
    deviations the user may intend, kept as written.
    """
    return plan_findings(plan, resolve_profile(profile, plan))


def plan_findings(plan: Plan, profile: Profile) -> list[Finding]:
    """Every finding for *plan* under the resolved *profile*."""
    return [
        *_kind_findings(plan, profile),
        *_parent_findings(plan),
        *_period_findings(plan, profile),
        *_reorganisation_findings(plan, profile),
        *_number_findings(plan, profile),
        *_signature_findings(plan, profile),
        *_recipient_findings(plan, profile),
    ]


def raise_for_errors(findings: list[Finding], plan: Plan) -> None:
    """Raise PlanInputError (exit status 2) naming every error among *findings*, with the
    plan's file and the line of each field when the plan was read from a file."""
    problems = []
    file = None
    for finding in findings:
        if finding.is_error:
            file, line = plan.located(finding.where)
            problems.append(Problem(finding.message, field=finding.where, line=line))
    if problems:
        raise PlanInputError(problems, file=file)


def _warning(rule: str, message: str, where: str, source: str) -> Finding:
    return Finding(rule, "warning", message, source, where)


def _parent_findings(plan: Plan) -> list[Finding]:
    """A joint plan prints one parent body over its issuers, when they all share it: a parent
    given to some issuers only, or different ones, is not printed, which the plan must say."""
    parents = {issuer.parent for issuer in plan.issuers}
    if len(plan.issuers) < 2 or len(parents) == 1:
        return []
    return [
        _warning(
            "issuer",
            _(
                "not printed: a joint plan shows a parent body once, over all its issuers, "
                "only when every issuer has the same one; give it to each issuer, or to none"
            ),
            f"issuers[{n}].parent",
            "",
        )
        for n, issuer in enumerate(plan.issuers)
        if issuer.parent is not None
    ]


def _kind_findings(plan: Plan, profile: Profile) -> list[Finding]:
    """An issuer's kind must be one a profile serves (a typo would sign by the wrong rules)."""
    known = sorted(set(builtin_kinds()) | set(profile.default_for))
    return [
        Finding(
            "kind", "error", unknown_kind(issuer.kind, known), profile.source, f"issuers[{n}].kind"
        )
        for n, issuer in enumerate(plan.issuers)
        if issuer.kind not in known and issuer.kind not in profile.signature.prefixes
    ]


def _period_findings(plan: Plan, profile: Profile) -> list[Finding]:
    day = plan_day(plan)
    if profile.in_force(day):
        return []
    kind = plan.issuers[0].kind
    if profile.default_for and kind not in profile.default_for:
        kind = profile.default_for[0]
    try:
        current: Profile | None = default_profile(kind, day)
    except ProfileError:
        current = None
    instead = current is not None and current.in_force(day)
    if plan.date is not None:
        message = (
            _(
                "profile {profile} applies to documents {period}; this plan is dated "
                "{day:%d/%m/%Y}; {current} is in force then"
            )
            if instead
            else _(
                "profile {profile} applies to documents {period}; this plan is dated {day:%d/%m/%Y}"
            )
        )
    else:
        message = (
            _(
                "profile {profile} applies to documents {period}; this plan is a draft "
                "rendered on {day:%d/%m/%Y}; {current} is in force then"
            )
            if instead
            else _(
                "profile {profile} applies to documents {period}; this plan is a draft "
                "rendered on {day:%d/%m/%Y}"
            )
        )
    text = message.format(
        profile=profile.name,
        period=profile.period(),
        day=day,
        current=current.name if current is not None else "",
    )
    return [_warning("profile", text, "profile", profile.source)]


def _reorganisation_findings(plan: Plan, profile: Profile) -> list[Finding]:
    rule = profile.checks.reorganisation
    if rule is None or plan_day(plan) < rule.since:
        return []
    texts: list[tuple[str, str]] = []
    for n, issuer in enumerate(plan.issuers):
        texts.append((f"issuers[{n}].name", issuer.name))
        if issuer.parent:
            texts.append((f"issuers[{n}].parent", issuer.parent))
    texts.append(("place", plan.place))
    found = []
    for where, text in texts:
        word = next((w for w in rule.words if same_words(text, w)), None)
        if word is not None:
            found.append(
                _warning(
                    "reorganisation",
                    _(
                        "`{text}` names a {level}-level unit, and there are none since "
                        "{since:%d/%m/%Y}; check the name (kept as written)"
                    ).format(text=text, level=word.lower(), since=rule.since),
                    where,
                    rule.source,
                )
            )
    return found


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


def _starts_with_any(text: str, prefixes: list[str]) -> bool:
    """Whether *text* begins with the words of one of *prefixes* (`BAN ` is the word BAN)."""
    words = tone_normal(text).split()
    return any(words[: len(p.split())] == tone_normal(p).split() for p in prefixes)


def _number_findings(plan: Plan, profile: Profile) -> list[Finding]:
    checks = profile.checks
    found = []
    number = plan.number.number
    if number is not None and not 1 <= number <= checks.max_number:
        found.append(
            _warning(
                "number",
                _("number {number} is outside 1–{most}; kept as written").format(
                    number=number, most=checks.max_number
                ),
                "number.number",
                checks.source_number,
            )
        )
    expected = [i.abbreviation for i in plan.issuers]
    given = list(plan.number.symbols)
    if given and given != expected:
        sep = profile.number.symbol_separator
        found.append(
            _warning(
                "number",
                _(
                    "the symbol {symbol} does not match the issuers' abbreviations "
                    "({expected}); kept as written"
                ).format(symbol=sep.join(given), expected=sep.join(expected)),
                "number.symbols",
                checks.source_symbol,
            )
        )
    return found


def _kind_name(kind: str) -> str:
    return _("Party") if kind == IssuerKind.PARTY else kind


def _signature_findings(plan: Plan, profile: Profile) -> list[Finding]:
    found: list[Finding] = []
    checks = profile.checks
    authority_source = profile.audit.sources.get("authority", profile.source)
    for n, sig in enumerate(plan.signatures):
        kind = plan.signing_issuer(n).kind
        prefixes = profile.signature.prefixes_for(kind, profile.default_for)
        for k, authority in enumerate(sig.authority):
            where = f"signatures[{n}].authority[{k}]"
            prefix = prefixes.get(authority.type)
            if prefix is None:
                usable = ", ".join(f"`{t.value}` ({p})" for t, p in prefixes.items())
                found.append(
                    Finding(
                        "authority",
                        "error",
                        _(
                            "`{type}` has no prefix in {kind} documents under {profile}; "
                            "choose one of {usable}"
                        ).format(
                            type=authority.type.value,
                            kind=_kind_name(kind),
                            profile=profile.name,
                            usable=usable,
                        ),
                        authority_source,
                        f"{where}.type",
                    )
                )
                continue
            shown = profile.signature.line.format(prefix=prefix, of=authority.of)
            if authority.type is not AuthorityType.COLLECTIVE:
                if authority.type is AuthorityType.DEPUTY and not _starts_with_any(
                    sig.position or "", checks.deputy_position_prefixes
                ):
                    found.append(
                        _warning(
                            "signature",
                            _(
                                "`{shown}` is signed by a deputy, but the position "
                                "`{position}` is not a deputy's; kept as written"
                            ).format(shown=shown, position=sig.position or _("(none)")),
                            f"signatures[{n}].position",
                            checks.source_deputy,
                        )
                    )
                continue
            collective = _starts_with_any(authority.of, checks.collective_body_prefixes)
            if _starts_with_any(authority.of, checks.advisory_body_prefixes) and not collective:
                found.append(
                    _warning(
                        "signature",
                        _(
                            "`{shown}`: the head of an advisory body signs directly, without "
                            "`{prefix}`; kept as written"
                        ).format(shown=shown, prefix=prefix),
                        where,
                        checks.source_collective,
                    )
                )
            # a collective organ (BAN THƯỜNG VỤ, THƯỜNG TRỰC HĐND) signs for the body it
            # leads: no issuer name to match
            if not collective and not any(
                _names_body(i.name, authority.of, checks.expansions) for i in plan.issuers
            ):
                found.append(
                    _warning(
                        "signature",
                        _(
                            "`{shown}` signs for a body that is not among the issuers "
                            "({issuers}); kept as written"
                        ).format(shown=shown, issuers=", ".join(i.name for i in plan.issuers)),
                        where,
                        checks.source_issuers,
                    )
                )
    if len(plan.issuers) > 1:
        signing = {plan.signing_issuer(n).abbreviation for n in range(len(plan.signatures))}
        missing = [i.name for i in plan.issuers if i.abbreviation not in signing]
        if missing or len(plan.signatures) != len(plan.issuers):
            found.append(
                _warning(
                    "signature",
                    (
                        ngettext(
                            "a joint plan has one signature block per issuing body: "
                            "{issuers} issuers, {blocks} block; no block for {missing}",
                            "a joint plan has one signature block per issuing body: "
                            "{issuers} issuers, {blocks} blocks; no block for {missing}",
                            len(plan.signatures),
                        )
                        if missing
                        else ngettext(
                            "a joint plan has one signature block per issuing body: "
                            "{issuers} issuers, {blocks} block",
                            "a joint plan has one signature block per issuing body: "
                            "{issuers} issuers, {blocks} blocks",
                            len(plan.signatures),
                        )
                    ).format(
                        issuers=len(plan.issuers),
                        blocks=len(plan.signatures),
                        missing=", ".join(missing),
                    ),
                    "signatures",
                    checks.source_joint,
                )
            )
    return found


def _recipient_findings(plan: Plan, profile: Profile) -> list[Finding]:
    source = profile.checks.source_recipients
    fmt = profile.recipients
    found = [
        _warning("recipients", _("empty recipient line; left out"), f"recipients.to[{n}]", source)
        for n, recipient in enumerate(plan.recipients.to)
        if not recipient.name
    ]
    if not plan.recipients.archive:
        example = fmt.bullet + fmt.archive.format(holders="...")
        found.append(
            _warning(
                "recipients",
                _("no archive line (`{example}`): the recipients list ends with it").format(
                    example=example
                ),
                "recipients.archive",
                source,
            )
        )
    return found
