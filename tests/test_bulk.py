"""Many plans at once: files, folders, collections; a bad plan is skipped; --jobs; Renderer."""

from __future__ import annotations

import io
import os
import re
import threading
import warnings
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from docx import Document

import planforge
from planforge import Plan, Renderer, load_plan, render_plans
from planforge._cli import generate_plan

from .conftest import EXAMPLES, render_quietly

PHU_YEN = EXAMPLES / "phu-yen-2022.yaml"
THANH_HOA = EXAMPLES / "thanh-hoa-2023.yaml"


def texts(path: Path | bytes) -> str:
    doc = Document(io.BytesIO(path) if isinstance(path, bytes) else str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


def communes(folder: Path, count: int = 4, broken: bool = False) -> Path:
    base = yaml.safe_load(PHU_YEN.read_text(encoding="utf-8"))
    units = [
        {
            "name": f"xã {n}",
            "number": {"number": 10 + n},
            "recipients": {"to": [f"UBND xã số {n}"], "archive": ["VT"]},
        }
        for n in range(1, count + 1)
    ]
    if broken:
        units.append({"name": "hỏng", "title": {"summary": ""}})
    path = folder / "communes.yaml"
    path.write_text(
        yaml.safe_dump({"base": base, "units": units}, allow_unicode=True), encoding="utf-8"
    )
    return path


def run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(generate_plan, [str(a) for a in args])
    return result.exit_code, result.stderr


def test_a_collection_renders_every_unit_with_its_overrides(tmp_path: Path) -> None:
    code, err = run(communes(tmp_path), "-o", tmp_path / "out", "--parents")
    assert code == 0, err
    files = sorted((tmp_path / "out").glob("*.docx"))
    assert [f.name for f in files] == [f"xã-{n}.docx" for n in range(1, 5)]
    for n, file in enumerate(files, 1):
        text = texts(file)
        assert f"Số {10 + n}-KHPH/BTGTU-UBND" in text
        assert f"- UBND xã số {n}," in text
        assert "Bùi Thanh Toàn" in text  # from the base plan
    assert "rendered 4 of 4 plans" in err


def test_a_bad_plan_is_reported_and_the_rest_still_render(tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "good.yaml").write_text(PHU_YEN.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "bad.yaml").write_text("issuers: [\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not a plan", encoding="utf-8")
    code, err = run(folder, communes(tmp_path, 2, broken=True), "-o", tmp_path / "out", "--parents")
    assert code == 1
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["good.docx", "xã-1.docx", "xã-2.docx"]
    assert "failed: " in err and "bad.yaml" in err and "invalid YAML" in err
    assert "units[2] (hỏng)" in err and "title.summary[0]: must not be empty" in err
    assert "rendered 3 of 5 plans" in err and "2 failed" in err
    assert "Traceback" not in err


def test_plain_progress_lines_off_a_terminal(tmp_path: Path) -> None:
    code, err = run(communes(tmp_path, 3), "-o", tmp_path / "out", "--parents")
    assert code == 0
    assert "[1/3]" in err and "[3/3]" in err


def test_jobs_two_gives_the_same_documents(tmp_path: Path) -> None:
    source = communes(tmp_path, 6)
    assert run(source, "-o", tmp_path / "one", "--parents", "--jobs", "1")[0] == 0
    assert run(source, "-o", tmp_path / "two", "--parents", "--jobs", "2")[0] == 0
    for first in sorted((tmp_path / "one").glob("*.docx")):
        assert texts(first) == texts(tmp_path / "two" / first.name)


def test_existing_outputs_are_kept_without_force(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "xã-1.docx").write_bytes(b"keep")
    code, err = run(communes(tmp_path, 2), "-o", out)
    assert code == 2  # refused before any work, as for one plan and for PDFs
    assert (out / "xã-1.docx").read_bytes() == b"keep"
    assert not (out / "xã-2.docx").exists()
    assert "xã-1.docx: exists already; pass --force to replace it" in err
    (out / "xã-2.docx").write_bytes(b"keep too")
    code, err = run(communes(tmp_path, 3), "-o", out)
    assert code == 2
    assert "exists already, as does 1 more of the files this run would write" in err
    assert not (out / "xã-3.docx").exists()
    assert run(communes(tmp_path, 2), "-o", out, "--force")[0] == 0
    assert (out / "xã-1.docx").read_bytes() != b"keep"


def test_many_plans_need_an_output_folder(tmp_path: Path) -> None:
    (tmp_path / "file.docx").write_bytes(b"")
    code, err = run(PHU_YEN, THANH_HOA, "-o", tmp_path / "file.docx")
    assert code == 2 and "output folder" in err
    code, err = run(PHU_YEN, THANH_HOA, "-o", tmp_path / "missing")
    assert code == 2 and "--parents" in err


@pytest.mark.parametrize("name", ["many.pdf", "many.docx"])
def test_many_plans_into_a_file_name_are_refused_even_with_parents(
    tmp_path: Path, name: str
) -> None:
    # not a folder named many.pdf with the .docx files in it
    code, err = run(PHU_YEN, THANH_HOA, "-o", tmp_path / name, "--parents")
    assert code == 2
    assert "with many plans, -o names the folder their documents go into" in err
    assert not (tmp_path / name).exists()


def test_a_refused_run_leaves_no_folder_made_for_it(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b"
    code, err = run(PHU_YEN, THANH_HOA, "-o", out, "--parents", "--template", tmp_path / "no.docx")
    assert code == 2 and "cannot read the file" in err
    assert sorted(tmp_path.iterdir()) == []  # a/ and a/b/ made, then removed


def test_a_failed_plan_is_named_once(tmp_path: Path) -> None:
    bad = tmp_path / "hỏng.yaml"
    bad.write_text(PHU_YEN.read_text(encoding="utf-8") + "closng: x\n", encoding="utf-8")
    code, err = run(PHU_YEN, bad, "-o", tmp_path / "out", "--parents")
    assert code == 1
    (failure,) = [line for line in err.splitlines() if line.startswith("failed:")]
    assert failure.count("hỏng.yaml") == 1
    assert "unknown field `closng`; did you mean `closing`?" in failure


def test_render_plans_api(tmp_path: Path, phu_yen: Plan, thanh_hoa: Plan) -> None:
    seen: list[str] = []
    report = render_plans(
        {"a": phu_yen, "b": thanh_hoa},
        tmp_path,
        progress=lambda label, path, error: seen.append(label),
    )
    assert report.ok and report.total == 2
    assert [p.name for p in report.rendered] == ["a.docx", "b.docx"]
    assert seen == ["a", "b"]
    assert any("T/M BAN TUYÊN GIÁO" in f.message for _, f in report.findings)
    assert "rendered 2 of 2" in report.summary()
    report = render_plans([phu_yen, phu_yen], tmp_path / ".", force=True)
    assert [p.name for p in report.rendered] == ["plan-0001.docx", "plan-0002.docx"]
    with pytest.raises(planforge.OutputError, match="both be written"):
        render_plans([("x", phu_yen), ("x", thanh_hoa)], tmp_path)
    with pytest.raises(planforge.OutputError, match="does not exist"):
        render_plans([phu_yen], tmp_path / "nope")


def test_render_plans_in_two_processes(tmp_path: Path, phu_yen: Plan) -> None:
    plans = {f"p{n}": phu_yen for n in range(8)}
    report = render_plans(plans, tmp_path, jobs=2)
    assert report.ok and len(report.rendered) == 8
    assert all(texts(p) == texts(report.rendered[0]) for p in report.rendered)


def test_renderer_is_reusable_and_equals_render_plan(phu_yen: Plan, thanh_hoa: Plan) -> None:
    renderer = Renderer()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", planforge.PlanWarning)
        for plan in (phu_yen, thanh_hoa, phu_yen):
            assert texts(renderer.render(plan)) == texts(render_quietly(plan))


def test_renderer_with_a_template_and_a_profile(tmp_path: Path, thanh_hoa: Plan) -> None:
    template = EXAMPLES / "templates" / "so-vhttdl.docx"
    renderer = Renderer(template=template, profile="nd30-2020")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", planforge.PlanWarning)
        data = renderer.render(thanh_hoa)
    assert "Văn bản này được ký số" in texts(data)
    with pytest.raises(planforge.TemplateError, match="cannot read"):
        Renderer(template=tmp_path / "missing.docx")


def test_renderer_is_safe_to_share_between_threads(phu_yen: Plan, thanh_hoa: Plan) -> None:
    # findings come back as values: no thread touches the process-wide warning filters
    renderer = Renderer(check=True)
    expected = {
        id(p): (texts(r.document), r.findings)
        for p in (phu_yen, thanh_hoa)
        for r in [renderer.render_result(p)]
    }
    assert expected[id(thanh_hoa)][1], "the Thanh Hoá plan has a finding to carry"
    failures: list[str] = []

    def work(plan: Plan) -> None:
        for _ in range(5):
            result = renderer.render_result(plan)
            if (texts(result.document), result.findings) != expected[id(plan)]:
                failures.append("different output")

    threads = [threading.Thread(target=work, args=(p,)) for p in (phu_yen, thanh_hoa) * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert failures == []


def test_the_template_is_compiled_once(monkeypatch: pytest.MonkeyPatch, phu_yen: Plan) -> None:
    from planforge._word import engine

    made: list[str] = []
    real = engine.CompiledTemplate.__init__

    def counting(self: engine.CompiledTemplate, data: bytes, name: str) -> None:
        made.append(name)
        real(self, data, name)

    monkeypatch.setattr(engine, "_cache", type(engine._cache)())
    monkeypatch.setattr(engine.CompiledTemplate, "__init__", counting)
    for _ in range(3):
        render_quietly(phu_yen)
    assert made == [f"built-in {Renderer().profile_for(phu_yen).name}"]


def test_load_plan_is_unchanged_by_the_fast_loader(tmp_path: Path) -> None:
    plan = load_plan(PHU_YEN)
    assert plan.date is not None and plan.date.isoformat() == "2022-02-23"


# -- PDFs while rendering: jobs LibreOffice processes, streamed, a failure per document ----------

_FAKE_SOFFICE = """\
import os, sys, time
from pathlib import Path

args = sys.argv[1:]
out = Path(args[args.index("--outdir") + 1])
profile = next(a for a in args if a.startswith("-env:UserInstallation="))
docs = [Path(a) for a in args if a.endswith(".docx")]
running = Path(os.environ["FAKE_RUNNING"])
mine = running / str(os.getpid())
mine.touch()
want = int(os.environ.get("FAKE_WANT", "1"))
for _ in range(200):  # at most 10 s for the others to start, so that they overlap
    if len(list(running.iterdir())) >= want:
        break
    time.sleep(0.05)
at_once = len(list(running.iterdir()))
with Path(os.environ["FAKE_LOG"]).open("a", encoding="utf-8") as log:
    cpus = ",".join(str(c) for c in sorted(os.sched_getaffinity(0)))
    log.write(f"{profile}|{at_once}|{' '.join(d.stem for d in docs)}|{cpus}\\n")
try:
    if any("hang" in d.stem for d in docs):
        time.sleep(300)
    if any("broken" in d.stem for d in docs):
        (out / "half.pdf").write_bytes(b"%PDF-half")
        sys.exit(81)
    for d in docs:
        (out / f"{d.stem}.pdf").write_bytes(b"%PDF-1.4 " + d.read_bytes()[:4])
finally:
    mine.unlink()
"""


@pytest.fixture
def fake_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A LibreOffice stand-in that 'converts' (or fails on *broken*, hangs on *hang*); each
    start writes a line to the log it returns: its profile, how many ran at once, its docs."""
    import sys

    script = tmp_path / "fake-soffice"
    script.write_text(f"#!{sys.executable}\n{_FAKE_SOFFICE}", encoding="utf-8")
    script.chmod(0o755)
    (tmp_path / "running").mkdir()
    log = tmp_path / "soffice-starts.log"
    log.touch()
    monkeypatch.setenv("PLANFORGE_SOFFICE", str(script))
    monkeypatch.setenv("FAKE_RUNNING", str(tmp_path / "running"))
    monkeypatch.setenv("FAKE_LOG", str(log))
    return log


def _starts(log: Path) -> list[tuple[str, int, list[str]]]:
    rows = [line.split("|") for line in log.read_text(encoding="utf-8").splitlines()]
    return [(profile, int(at_once), docs.split()) for profile, at_once, docs, _cpus in rows]


def _cpus_of_starts(log: Path) -> list[set[int]]:
    """The CPUs each start of the fake could run on."""
    rows = [line.split("|") for line in log.read_text(encoding="utf-8").splitlines()]
    return [{int(c) for c in cpus.split(",")} for _profile, _at_once, _docs, cpus in rows]


@pytest.mark.skipif(
    not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="needs Linux and two CPUs",
)
@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_libreoffice_processes_at_once_run_on_a_cpu_each(
    tmp_path: Path, fake_soffice: Path, monkeypatch: pytest.MonkeyPatch, phu_yen: Plan, jobs: int
) -> None:
    from planforge import _pdf

    mine = os.sched_getaffinity(0)
    two = set(sorted(mine)[:2])
    # the machine as one with two CPUs: two processes get one each, three share them
    # two at once when there are two: each waits (a while) for the other to be running
    monkeypatch.setenv("FAKE_WANT", "2" if jobs == 2 else "1")
    with monkeypatch.context() as patch:
        patch.setattr(_pdf, "_allowed_cpus", lambda: sorted(two))
        report = render_plans(
            {f"p{n}": phu_yen for n in range(6)},
            tmp_path / "out",
            parents=True,
            jobs=jobs,
            pdf=True,
        )
    assert report.ok and len(report.pdfs) == 6
    cpus = _cpus_of_starts(fake_soffice)
    if jobs == 2:  # (a third start may follow, on the CPU of the process that is free)
        assert all(len(c) == 1 for c in cpus) and set.union(*cpus) == two, cpus
    else:  # one process gains nothing by being held to a CPU; three cannot have one each
        assert all(c == mine for c in cpus), cpus
    assert os.sched_getaffinity(0) == mine  # the caller's CPUs are as they were


@pytest.mark.parametrize("jobs", [1, 2])
def test_pdfs_come_from_jobs_libreoffice_processes_with_their_own_profiles(
    tmp_path: Path, fake_soffice: Path, monkeypatch: pytest.MonkeyPatch, phu_yen: Plan, jobs: int
) -> None:
    monkeypatch.setenv("FAKE_WANT", str(jobs))
    out = tmp_path / "out"
    report = render_plans(
        {f"p{n}": phu_yen for n in range(8)}, out, parents=True, jobs=jobs, pdf=True
    )
    assert report.ok and report.pdf_processes == jobs
    assert [p.name for p in report.pdfs] == [p.with_suffix(".pdf").name for p in report.rendered]
    assert all(p.read_bytes().startswith(b"%PDF-1.4 PK") for p in report.pdfs)
    starts = _starts(fake_soffice)
    assert sorted(d for _, _, docs in starts for d in docs) == [f"p{n}" for n in range(8)]
    assert len({profile for profile, _, _ in starts}) == jobs  # one private profile a process
    assert max(at_once for _, at_once, _ in starts) == jobs  # and jobs of them at once
    assert ", 8 PDFs" in report.summary()
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"p{n}.docx" for n in range(8)] + [f"p{n}.pdf" for n in range(8)]
    )  # no work folders left


def test_conversion_starts_while_plans_still_render(
    tmp_path: Path,
    fake_soffice: Path,
    monkeypatch: pytest.MonkeyPatch,
    phu_yen: Plan,
    soffice_starts: list[list[str]],
) -> None:
    seen: list[int] = []

    def progress(label: str, path: Path | None, error: str | None) -> None:
        seen.append(len(soffice_starts))

    monkeypatch.setenv("FAKE_WANT", "2")
    report = render_plans(
        {f"p{n}": phu_yen for n in range(8)},
        tmp_path / "out",
        parents=True,
        pdf=True,
        jobs=2,
        progress=progress,
    )
    assert report.ok and len(report.pdfs) == 8
    # the first process has its share (half of the 8) before the fifth plan is rendered
    assert seen == [0, 0, 0, 1, 1, 1, 1, 2]


@pytest.mark.parametrize(
    ("jobs", "expected", "batch", "shares"),
    [
        (2, 10, 100, [5, 5]),  # each its share, one start each: they end together
        (1, 10, 4, [4, 4, 2]),  # at most `batch` a start
        (3, 7, 100, [3, 2, 2]),  # 7 / 3: then 4 left for two
    ],
)
def test_each_process_takes_its_share_and_no_start_is_wasted(
    tmp_path: Path,
    fake_soffice: Path,
    monkeypatch: pytest.MonkeyPatch,
    jobs: int,
    expected: int,
    batch: int,
    shares: list[int],
) -> None:
    from planforge._pdf import PdfConverters

    monkeypatch.setenv("FAKE_WANT", "1")
    docs = []
    for n in range(expected):
        doc = tmp_path / f"d{n}.docx"
        doc.write_bytes(b"PK fake")
        docs.append(doc)
    (tmp_path / "pdf").mkdir()
    with PdfConverters(tmp_path / "pdf", jobs=jobs, expected=expected, batch=batch) as converters:
        for doc in docs:
            converters.add(doc)
        results = converters.finish()
    assert sorted(r.pdf.name for r in results if r.pdf) == sorted(
        f"d{n}.pdf" for n in range(expected)
    )
    # (the processes write their lines in the order they get to it)
    assert sorted(len(docs) for _, _, docs in _starts(fake_soffice)) == sorted(shares)
    assert converters.starts == len(shares)


def test_a_document_libreoffice_cannot_convert_fails_alone(
    tmp_path: Path, fake_soffice: Path, phu_yen: Plan
) -> None:
    plans = dict.fromkeys(["a", "b", "broken", "c", "d"], phu_yen)
    out = tmp_path / "out"
    # wait for all before converting: the batch holding `broken` has several documents
    report = render_plans(plans, out, parents=True, pdf=True, progress=lambda *_: None)
    assert sorted(p.name for p in report.rendered) == [f"{n}.docx" for n in plans]
    assert sorted(p.name for p in report.pdfs) == ["a.pdf", "b.pdf", "c.pdf", "d.pdf"]
    assert len(report.pdf_failed) == 1 and report.pdf_failed[0][0] == "broken"
    assert "LibreOffice failed (exit 81)" in report.pdf_failed[0][1]
    assert not report.ok and "(1 failed)" in report.summary()
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{n}.docx" for n in plans] + ["a.pdf", "b.pdf", "c.pdf", "d.pdf"]
    )  # no half.pdf, no broken.pdf, no work folder


def test_a_hung_conversion_is_stopped_and_the_others_convert(
    tmp_path: Path, fake_soffice: Path, monkeypatch: pytest.MonkeyPatch, phu_yen: Plan
) -> None:
    from planforge import _pdf

    monkeypatch.setattr(_pdf, "pdf_seconds", lambda documents: 2.0)
    plans = dict.fromkeys(["a", "hang", "b"], phu_yen)
    report = render_plans(plans, tmp_path, pdf=True, jobs=2)
    assert sorted(p.name for p in report.pdfs) == ["a.pdf", "b.pdf"]
    assert [label for label, _ in report.pdf_failed] == ["hang"]
    assert "within the time limit of 2 s and was stopped" in report.pdf_failed[0][1]
    assert not (tmp_path / "hang.pdf").exists()
    # the hung processes (the batch holding `hang`, then `hang` alone) were killed (so they
    # left their marks behind), and are gone
    hung = list((tmp_path / "running").iterdir())
    assert hung and not any(Path(f"/proc/{mark.name}").exists() for mark in hung)


def test_existing_pdfs_are_refused_before_any_work_unless_force(
    tmp_path: Path, fake_soffice: Path, phu_yen: Plan
) -> None:
    (tmp_path / "b.pdf").write_bytes(b"keep")
    plans = {"a": phu_yen, "b": phu_yen}
    with pytest.raises(planforge.OutputError, match="exists already"):
        render_plans(plans, tmp_path, pdf=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "b.pdf",
        "fake-soffice",
        "running",
        "soffice-starts.log",
    ]
    report = render_plans(plans, tmp_path, pdf=True, force=True)
    assert report.ok and (tmp_path / "b.pdf").read_bytes().startswith(b"%PDF")


def test_pdfs_elsewhere_and_the_cli_names_the_processes(
    tmp_path: Path, fake_soffice: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_WANT", "2")
    code, err = run(
        communes(tmp_path, 4), "-o", tmp_path / "out", "--parents", "--pdf-only", "--jobs", "2"
    )
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        f"xã-{n}.pdf" for n in range(1, 5)
    ]
    assert "converted 4 documents to PDF with 2 LibreOffice processes at once" in err
    assert "4 PDFs" in err
    # each plan's line names its PDF, not the work folder its document was made in
    assert "xã 1): rendered; its PDF comes next: " in err
    assert f"{tmp_path / 'out' / 'xã-1.pdf'}" in err and "planforge-" not in err
    assert max(at_once for _, at_once, _ in _starts(fake_soffice)) == 2


def test_without_libreoffice_nothing_is_rendered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, phu_yen: Plan
) -> None:
    monkeypatch.delenv("PLANFORGE_SOFFICE", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(planforge.ToolMissingError, match="LibreOffice"):
        render_plans({"a": phu_yen}, tmp_path, pdf=True)
    assert list(tmp_path.iterdir()) == []


def test_two_plans_for_one_document_are_named_and_nothing_is_made(tmp_path: Path) -> None:
    other = tmp_path / "p2"
    other.mkdir()
    (other / "phu-yen-2022.yaml").write_text(PHU_YEN.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(planforge.OutputError) as caught:
        render_plans([PHU_YEN, other / "phu-yen-2022.yaml"], out, parents=True)
    assert f"{PHU_YEN} and {other / 'phu-yen-2022.yaml'} would both be written to " in str(
        caught.value
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("x.pdf", "is named .pdf, and a document is a .docx: for its PDF, use render_pdf_to"),
        ("x.doc", "must be named .docx"),
        ("x", "must be named .docx"),
    ],
)
def test_a_document_is_written_only_under_a_docx_name(
    tmp_path: Path, phu_yen: Plan, name: str, said: str
) -> None:
    # bytes of a .docx under another name would open as a broken file
    with pytest.raises(planforge.OutputError, match=re.escape(said)):
        planforge.render_plan(phu_yen, tmp_path / name)
    with pytest.raises(planforge.OutputError, match=r"is named \.docx, and render_pdf_to writes"):
        Renderer().render_pdf_to(phu_yen, tmp_path / "x.docx")
    assert list(tmp_path.iterdir()) == []


def test_a_report_lists_plans_in_the_order_given(tmp_path: Path, phu_yen: Plan) -> None:
    plans = [(f"p{n}", phu_yen) for n in range(8)]
    report = render_plans([*plans[:3], {"place": "Huế"}, *plans[3:]], tmp_path, jobs=2)  # type: ignore[list-item]
    assert [p.stem for p in report.rendered] == [f"p{n}" for n in range(8)]
    ((label, error),) = report.failed  # a dict is that plan's failure, not an AttributeError
    assert label == "plan 4" and "expected a planforge.Plan, a plan file or a folder" in error


def test_what_is_not_a_plan_or_a_document_is_said_in_planforges_errors(tmp_path: Path) -> None:
    with pytest.raises(planforge.PlanInputError, match=r"make one with parse_plan\(data\)"):
        planforge.render_plan({"place": "Huế"})  # type: ignore[arg-type]
    with pytest.raises(planforge.UnreadableDocumentError, match="cannot read"):
        planforge.audit_docx(tmp_path / "none.docx")
    with pytest.raises(planforge.OutputError, match="create it first"):
        planforge.convert_to_pdf([EXAMPLES / "phu-yen-2022.yaml"], tmp_path / "none")
