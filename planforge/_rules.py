"""Checks of a plan's content against its profile: deviations the user may intend."""

from __future__ import annotations

from ._errors import PlanWarning
from ._models import AuthorityType, Plan
from ._profiles import Profile

__all__ = ["plan_warnings"]


def plan_warnings(plan: Plan, profile: Profile) -> list[PlanWarning]:
    """Every warning for *plan* under *profile*, in document order."""
    found: list[PlanWarning] = []
    checks = profile.checks
    for n, sig in enumerate(plan.signatures):
        kind = plan.signing_issuer(n).kind
        for k, authority in enumerate(sig.authority):
            where = f"signatures[{n}].authority[{k}]"
            prefix = profile.signature.prefixes[kind][authority.type]
            shown = profile.signature.line.format(prefix=prefix, of=authority.of)
            if authority.type is AuthorityType.COLLECTIVE and authority.of.upper().startswith(
                tuple(checks.advisory_body_prefixes)
            ):
                found.append(
                    PlanWarning(
                        f"`{shown}`: the head of an advisory body signs directly, without "
                        f"`{prefix}`; kept as written",
                        field=where,
                        rule=checks.source_collective,
                    )
                )
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
    return found
