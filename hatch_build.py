"""Build hook: compiles the message catalogs (`planforge/locale/*/LC_MESSAGES/*.po`) to `.mo`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogs(BuildHookInterface):  # type: ignore[type-arg]
    """`pybabel compile` as a build step: a wheel (and an editable install) carries `.mo` files
    made from the `.po` files in the tree, never stale ones; a catalog with an unfinished
    (fuzzy) or broken translation fails the build."""

    PLUGIN_NAME = "compile-catalogs"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        for source in sorted((root / "planforge" / "locale").glob("*/LC_MESSAGES/*.po")):
            with source.open("rb") as file:
                catalog = read_po(file, abort_invalid=True)
            unfinished = [m.id for m in catalog if m.id and (m.fuzzy or not m.string)]
            if unfinished:
                raise RuntimeError(
                    f"{source}: {len(unfinished)} messages without a finished translation, "
                    f"first {unfinished[0]!r}"
                )
            compiled = source.with_suffix(".mo")
            with compiled.open("wb") as file:
                write_mo(file, catalog)
            if version != "editable":  # an editable install reads the tree, .mo included
                build_data["force_include"][str(compiled)] = str(compiled.relative_to(root))
