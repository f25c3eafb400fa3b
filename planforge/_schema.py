"""JSON Schemas of plan and profile files, generated from the models, and starter plans."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue

from ._i18n import _
from ._models import Plan
from ._profiles import Profile, builtin_profiles

__all__ = [
    "SCHEMA_FILES",
    "generated_schema",
    "plan_schema",
    "profile_schema",
    "schema_path",
    "schema_text",
    "starter_kinds",
    "starter_path",
    "starter_plan",
    "write_schemas",
]

#: The schema files shipped in planforge/schemas, by what they describe.
SCHEMA_FILES = {"plan": "plan.schema.json", "profile": "profile.schema.json"}

DIALECT = "https://json-schema.org/draft/2020-12/schema"
_PACKAGE = Path(__file__).resolve().parent
_REF = "#/$defs/"

#: The placeholder in a starter plan's first line that `starter_plan` fills with a schema URI.
SCHEMA_PLACEHOLDER = "{schema}"

#: Starter plans shipped in planforge/starters, in the order they are offered.
_STARTERS = ("state", "party", "joint")


def schema_path(which: str) -> Path:
    """The shipped schema file of *which*: `plan` or `profile`."""
    try:
        name = SCHEMA_FILES[which]
    except KeyError:
        raise ValueError(
            _("no schema {name!r}; the schemas are: {names}").format(
                name=which, names=", ".join(SCHEMA_FILES)
            )
        ) from None
    return _PACKAGE / "schemas" / name


def plan_schema() -> dict[str, Any]:
    """The JSON Schema of a plan file, as shipped (planforge/schemas/plan.schema.json)."""
    return _read(schema_path("plan"))


def profile_schema() -> dict[str, Any]:
    """The JSON Schema of a profile file, as shipped (planforge/schemas/profile.schema.json)."""
    return _read(schema_path("profile"))


def _read(file: Path) -> dict[str, Any]:
    data = json.loads(file.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def generated_schema(which: str) -> dict[str, Any]:
    """The schema of *which* (`plan` or `profile`) made from the models now."""
    schema_path(which)  # an unknown name is refused with the choices
    return _plan_file_schema() if which == "plan" else _profile_file_schema()


def schema_text(which: str) -> str:
    """The text of the schema file of *which*, as `write_schemas` writes it."""
    return json.dumps(generated_schema(which), ensure_ascii=False, indent=2) + "\n"


def write_schemas(folder: Path | None = None) -> list[Path]:
    """Write both schema files into *folder* (default: the package's); the files changed."""
    target = folder if folder is not None else _PACKAGE / "schemas"
    target.mkdir(parents=True, exist_ok=True)
    changed = []
    for which, name in SCHEMA_FILES.items():
        file = target / name
        text = schema_text(which)
        if not file.is_file() or file.read_text(encoding="utf-8") != text:
            file.write_text(text, encoding="utf-8")
            changed.append(file)
    return changed


class _Generator(GenerateJsonSchema):
    """Pydantic's schema, with examples kept as written (`{name: ..., marker: b/c}`)."""

    def sort(self, value: JsonSchemaValue, parent_key: str | None = None) -> JsonSchemaValue:
        result: JsonSchemaValue = _sorted(value, parent_key, as_written=False)
        return result


def _sorted(value: Any, parent_key: str | None, *, as_written: bool) -> Any:
    """Keys sorted, but for field order (`properties`), defaults and examples."""
    if isinstance(value, list):
        return [_sorted(v, parent_key, as_written=as_written) for v in value]
    if not isinstance(value, dict):
        return value
    keep = as_written or parent_key in {"properties", "default", "examples"}
    keys = list(value) if keep else sorted(value)
    inside = as_written or parent_key in {"default", "examples"}
    return {k: _sorted(value[k], k, as_written=inside) for k in keys}


def _headed(title: str, description: str, body: dict[str, Any]) -> dict[str, Any]:
    """*body* under the dialect, a title and a description (what editors show for the file)."""
    rest = {k: v for k, v in body.items() if k not in {"title", "description"}}
    return {"$schema": DIALECT, "title": title, "description": description, **rest}


def _plan_file_schema() -> dict[str, Any]:
    return _headed(
        "Kế hoạch (planforge)",
        "Một kế hoạch của planforge: cơ quan ban hành, số, ký hiệu, ngày, trích yếu, các phần, "
        "chữ ký và nơi nhận; planforge in ra văn bản Word đúng thể thức. A planforge plan file "
        "(YAML or JSON); the first line `# yaml-language-server: $schema=...` lets an editor "
        "check it while it is typed.",
        Plan.model_json_schema(schema_generator=_Generator),
    )


def _profile_file_schema() -> dict[str, Any]:
    """A profile file: a whole profile, or (with `extends`) only the values it changes."""
    model = Profile.model_json_schema(schema_generator=_Generator)
    defs: dict[str, Any] = model.pop("$defs")
    # `default_for: party` and `default_for: null` are read as lists (a before-validator the
    # model's schema does not show)
    default_for = model["properties"]["default_for"]
    kind = default_for.pop("items")
    del default_for["type"]
    default_for["anyOf"] = [kind, {"type": "array", "items": kind}, {"type": "null"}]
    defs["Profile"] = model
    objects = {name for name, schema in defs.items() if "properties" in schema}
    partial = {f"Partial{name}": _partial(defs[name], objects) for name in sorted(objects)}
    changes = partial.pop("PartialProfile")
    changes["title"] = "ProfileChanges"
    changes["description"] = (
        "A profile file that extends a built-in profile: only the values it changes (maps "
        "merge key by key, lists are replaced)."
    )
    changes["properties"] = {
        "extends": {
            "title": "Extends",
            "description": "The built-in profile this file changes.",
            "enum": builtin_profiles(),
        },
        **changes["properties"],
    }
    changes["required"] = ["extends"]
    return _headed(
        "Bộ quy tắc thể thức (planforge profile)",
        "A planforge profile file: every format rule (a whole profile), or with `extends` the "
        "rules that differ from a built-in profile.",
        {
            "if": {"required": ["extends"]},
            "then": {"$ref": f"{_REF}ProfileChanges"},
            "else": {"$ref": f"{_REF}Profile"},
            "$defs": {**defs, **partial, "ProfileChanges": changes},
        },
    )


def _partial(schema: Any, objects: set[str]) -> Any:
    """*schema* with nothing required, and its references to *objects* made partial too."""
    if isinstance(schema, list):
        return [_partial(v, objects) for v in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _partial(v, objects) for k, v in schema.items() if k != "required"}
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.removeprefix(_REF) in objects:
        out["$ref"] = f"{_REF}Partial{ref.removeprefix(_REF)}"
    return out


# -- starter plans ---------------------------------------------------------------------------


def starter_kinds() -> tuple[str, ...]:
    """The kinds of starter plan: `state`, `party` and `joint`."""
    return _STARTERS


def starter_path(kind: str) -> Path:
    """The shipped starter plan of *kind* (with the `{schema}` placeholder unfilled)."""
    if kind not in _STARTERS:
        raise ValueError(
            _("no starter plan {kind!r}; the kinds are: {kinds}").format(
                kind=kind, kinds=", ".join(_STARTERS)
            )
        )
    return _PACKAGE / "starters" / f"{kind}.yaml"


def starter_plan(kind: str, schema_uri: str | None = None) -> str:
    """The commented starter plan of *kind* (`state`, `party`, `joint`) a clerk fills in.

    Its first line is the modeline editors read (`# yaml-language-server: $schema=...`),
    pointing at *schema_uri*, by default the plan schema shipped with planforge.
    """
    text = starter_path(kind).read_text(encoding="utf-8")
    uri = schema_uri if schema_uri is not None else schema_path("plan").as_uri()
    return text.replace(SCHEMA_PLACEHOLDER, uri, 1)


if __name__ == "__main__":
    changed = write_schemas()
    for name in SCHEMA_FILES.values():
        state = "updated" if any(p.name == name for p in changed) else "up to date"
        print(f"planforge/schemas/{name}: {state}")
