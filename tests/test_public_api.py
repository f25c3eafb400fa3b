"""The public API is what we mean it to be: small, explicit, typed."""

from __future__ import annotations

import inspect
from pathlib import Path

import planforge


def test_all_is_every_public_name_of_the_package() -> None:
    """As httpx's export test: `__all__` is derived from what the package holds, so nothing
    public is missing from it and nothing private is in it; sorted."""
    public = sorted(
        name
        for name, member in vars(planforge).items()
        if (not name.startswith("_") or name == "__version__") and not inspect.ismodule(member)
    )
    assert sorted(planforge.__all__) == list(planforge.__all__)
    assert list(planforge.__all__) == public
    for name in planforge.__all__:
        member = getattr(planforge, name)
        if name != "__version__":
            assert member.__module__.startswith("planforge._"), name
            assert member.__doc__, f"{name} has no docstring"


def test_implementation_modules_are_private() -> None:
    package = Path(planforge.__file__).parent
    public = [p.name for p in package.glob("*.py") if not p.name.startswith("_")]
    assert public == []
    assert (package / "py.typed").is_file()


def _error_classes() -> set[str]:
    """Every error class planforge defines: PlanforgeError and all its subclasses."""
    found: set[type] = set()
    todo: list[type] = [planforge.PlanforgeError]
    while todo:
        cls = todo.pop()
        found.add(cls)
        todo += cls.__subclasses__()
    return {cls.__name__ for cls in found if cls.__module__.startswith("planforge")}


def test_every_error_class_lives_in_one_module_and_is_exported() -> None:
    errors = _error_classes()
    assert {"PlanInputError", "DocumentError", "ToolMissingError"} <= errors
    assert errors <= set(planforge.__all__), errors - set(planforge.__all__)
    for name in errors:
        assert getattr(planforge, name).__module__ == "planforge._errors", name


def test_every_error_derives_from_the_root() -> None:
    for name in _error_classes():
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
