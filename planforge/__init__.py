"""planforge: Vietnamese coordination plans (Kế hoạch phối hợp) as Word documents."""

from ._audit import audit_docx
from ._bulk import RenderReport, render_plans
from ._context import template_context
from ._errors import (
    DocumentError,
    OutputError,
    PlanforgeError,
    PlanInputError,
    PlanWarning,
    Problem,
    ProfileError,
    RenderError,
    TemplateError,
    ToolMissingError,
    UnreadableDocumentError,
)
from ._findings import Finding
from ._i18n import set_language
from ._import import import_plan
from ._loading import load_plan, parse_plan
from ._models import (
    Authority,
    AuthorityType,
    DocumentNumber,
    Issuer,
    IssuerKind,
    Item,
    ListStyle,
    Part,
    Plan,
    Recipient,
    Recipients,
    SignatureBlock,
    Task,
    Title,
    Urgency,
)
from ._pdf import convert_to_pdf
from ._plan_yaml import plan_to_yaml
from ._preview import preview_pages
from ._profiles import Profile, builtin_profiles, load_profile
from ._reformat import ReformatResult, reformat_docx
from ._render import Renderer, RenderResult, render_plan
from ._rules import check_plan
from ._version import __version__
from ._word.isolation import Limits

__all__ = [
    "Authority",
    "AuthorityType",
    "DocumentError",
    "DocumentNumber",
    "Finding",
    "Issuer",
    "IssuerKind",
    "Item",
    "Limits",
    "ListStyle",
    "OutputError",
    "Part",
    "Plan",
    "PlanInputError",
    "PlanWarning",
    "PlanforgeError",
    "Problem",
    "Profile",
    "ProfileError",
    "Recipient",
    "Recipients",
    "ReformatResult",
    "RenderError",
    "RenderReport",
    "RenderResult",
    "Renderer",
    "SignatureBlock",
    "Task",
    "TemplateError",
    "Title",
    "ToolMissingError",
    "UnreadableDocumentError",
    "Urgency",
    "__version__",
    "audit_docx",
    "builtin_profiles",
    "check_plan",
    "convert_to_pdf",
    "import_plan",
    "load_plan",
    "load_profile",
    "parse_plan",
    "plan_to_yaml",
    "preview_pages",
    "reformat_docx",
    "render_plan",
    "render_plans",
    "set_language",
    "template_context",
]
