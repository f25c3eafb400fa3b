"""The public API is what we mean it to be: small, explicit, typed."""

from __future__ import annotations

import inspect
from pathlib import Path

import planforge

EXPECTED = {
    # functions
    "load_plan", "render_plan", "template_context", "load_profile", "builtin_profiles",
    "convert_to_pdf", "audit_docx", "render_plans", "Renderer", "RenderReport", "RenderResult",
    "check_plan", "Finding", "Limits", "import_plan", "plan_to_yaml", "reformat_docx",
    "ReformatResult",
    # models
    "Plan", "Issuer", "IssuerKind", "DocumentNumber", "Title", "Part", "Item", "ListStyle",
    "Task", "SignatureBlock", "Authority", "AuthorityType", "Recipients", "Recipient", "Profile",
    "Urgency",
    # errors and warnings
    "PlanforgeError", "PlanInputError", "ProfileError", "TemplateError", "OutputError",
    "RenderError", "DocumentError", "PlanWarning", "Problem",
    "__version__",
}  # fmt: skip


def test_all_is_exactly_the_public_api() -> None:
    assert set(planforge.__all__) == EXPECTED
    assert sorted(planforge.__all__) == list(planforge.__all__)
    for name in planforge.__all__:
        assert hasattr(planforge, name), name


def test_implementation_modules_are_private() -> None:
    package = Path(planforge.__file__).parent
    public = [p.name for p in package.glob("*.py") if not p.name.startswith("_")]
    assert public == []
    assert (package / "py.typed").is_file()


def test_every_error_derives_from_the_root() -> None:
    for name in (
        "PlanInputError",
        "ProfileError",
        "TemplateError",
        "OutputError",
        "RenderError",
        "DocumentError",
    ):
        error = getattr(planforge, name)
        assert issubclass(error, planforge.PlanforgeError)
        assert error.exit_code in (1, 2)
    assert issubclass(planforge.PlanWarning, UserWarning)


def test_signatures_of_the_main_functions() -> None:
    render = inspect.signature(planforge.render_plan)
    assert list(render.parameters)[:2] == ["plan", "output"]
    for keyword in ("template", "profile", "force", "parents", "check"):
        assert render.parameters[keyword].kind is inspect.Parameter.KEYWORD_ONLY
    load = inspect.signature(planforge.load_plan).parameters
    assert list(load) == ["path", "remove_invalid_chars"]
    assert load["remove_invalid_chars"].kind is inspect.Parameter.KEYWORD_ONLY
    assert inspect.signature(planforge.template_context).parameters["profile"].kind is (
        inspect.Parameter.KEYWORD_ONLY
    )


def test_version_has_one_source() -> None:
    from importlib.metadata import version

    from planforge._version import __version__

    assert planforge.__version__ == __version__ == version("planforge")
