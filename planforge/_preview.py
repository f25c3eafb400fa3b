"""`preview_pages`: one PNG a page of a plan or a .docx, through LibreOffice and pdftoppm."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ._errors import OutputError, PlanInputError, Problem
from ._i18n import _
from ._loading import load_plan
from ._models import Plan
from ._pdf import convert_to_pdf, pdf_to_pngs
from ._profiles import Profile
from ._render import Renderer, issue_warnings

__all__ = ["preview_pages"]


def preview_pages(
    source: Plan | str | Path,
    outdir: str | Path,
    *,
    profile: Profile | str | Path | None = None,
    template: str | Path | None = None,
    dpi: int = 100,
    force: bool = False,
    name: str | None = None,
) -> list[Path]:
    """Write one PNG a page of *source* into *outdir* (made if missing): NAME-1.png, ...

    *source* is a plan (a `Plan`, or a plan file, rendered first with *profile* and
    *template*) or a .docx. *name* defaults to the file's stem (`plan` for a `Plan`). PNGs of
    the same name already in *outdir* are kept unless *force* (then they are replaced).
    """
    folder = Path(outdir)
    stem = name or (Path(source).stem if not isinstance(source, Plan) else "plan")
    if folder.exists() and not folder.is_dir():
        raise OutputError(_("is not a folder"), file=folder)
    existing = sorted(folder.glob(f"{stem}-*.png")) if folder.is_dir() else []
    if existing and not force:
        raise OutputError(
            _("already holds {name}; pass force=True to replace the previews").format(
                name=existing[0].name
            ),
            file=folder,
        )
    with tempfile.TemporaryDirectory(prefix="planforge-") as tmp:
        if not isinstance(source, Plan) and Path(source).suffix.lower() == ".docx":
            if not Path(source).is_file():
                raise PlanInputError([Problem(_("no such file"))], file=source)
            docx = Path(tmp) / f"{stem}.docx"
            docx.write_bytes(Path(source).read_bytes())
        else:
            plan = source if isinstance(source, Plan) else load_plan(source)
            docx = Path(tmp) / f"{stem}.docx"
            with Renderer(template=template, profile=profile) as renderer:
                result = renderer.render_to(plan, docx)
            issue_warnings(result.all_findings(), stacklevel=2)
        (pdf,) = convert_to_pdf([docx], tmp, force=True)
        folder.mkdir(parents=True, exist_ok=True)
        for old in existing:
            old.unlink()
        return pdf_to_pngs(pdf, folder, prefix=stem, dpi=dpi)
