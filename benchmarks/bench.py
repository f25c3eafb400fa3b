"""planforge's speed and memory, measured side by side in one run on this machine.

usage: python benchmarks/bench.py [--quick]

Prints, for the same template and the same plans: (a) planforge per plan in a batch of 500;
(b) a plain docxtpl loop (DocxTemplate(path), render with a sandboxed autoescaping environment,
save) per plan; (c) the floor, writing the same parts into a zip; the ratios; per-plan time for
plans of 10, 100 and 1,000 items; memory growth over 2,000 plans; the audit's cost (render and
audit against render alone, and a bulk run with the audit against one without); --jobs 2
against --jobs 1 for 500 plans; PDF conversion of 20 plans in one LibreOffice run against one
start per plan; and PDFs of 200 plans with --jobs 2 against --jobs 1. Ratios, not absolute
times, are what to compare: machines here are shared and noisy. Exits with status 1 when a
target is missed.
"""

from __future__ import annotations

import argparse
import io
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import yaml
from docxtpl import DocxTemplate

import planforge
from planforge import Plan, Renderer, load_plan, render_plans, template_context
from planforge._word.jinja import sandboxed_environment
from planforge._word.render import default_template

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "thanh-hoa-2023.yaml"
TARGETS: list[tuple[str, bool]] = []


def variants(base: Plan, count: int) -> list[Plan]:
    """The same plan for *count* communes: each its own number and recipients."""
    plans = []
    for n in range(count):
        recipients = base.recipients.model_copy(
            update={"to": [*base.recipients.to, planforge.Recipient(name=f"UBND xã số {n + 1}")]}
        )
        number = base.number.model_copy(update={"number": n % 9999 + 1})
        plans.append(base.model_copy(update={"recipients": recipients, "number": number}))
    return plans


def with_items(base: Plan, items: int) -> Plan:
    text = "Tuyên truyền, phổ biến nội dung kế hoạch đến cán bộ, đảng viên và Nhân dân."
    part = planforge.Part(
        title="Nhiệm vụ cụ thể",
        items=[
            planforge.Item(
                text=[f"{text} ({n + 1})"],
                task=planforge.Task(lead=["Sở Văn hóa"], timeline="Quý I"),
            )
            for n in range(items)
        ],
    )
    return base.model_copy(update={"parts": [part]})


def per_plan(run: Callable[[], object], count: int, repeat: int = 3) -> float:
    """Best-of-*repeat* seconds per plan of *run*, which handles *count* plans."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) / count)
    return min(times)


def verdict(name: str, ok: bool) -> str:
    TARGETS.append((name, ok))
    return "ok" if ok else "MISSED"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller batches (a smoke run)")
    args = parser.parse_args()
    warnings.simplefilter("ignore", planforge.PlanWarning)
    batch, growth_plans, jobs_plans = (60, 200, 60) if args.quick else (500, 2000, 500)
    base = load_plan(EXAMPLE)
    plans = variants(base, batch)
    profile = Renderer().profile_for(base)
    template = default_template(profile)
    contexts = [template_context(p) for p in plans]
    work = Path(tempfile.mkdtemp(prefix="planforge-bench-"))
    template_path = work / "template.docx"
    template_path.write_bytes(template)
    print(
        f"planforge {planforge.__version__}, Python {sys.version.split()[0]}; "
        f"{batch} plans like {EXAMPLE.name}\n"
    )

    # (a) planforge, (b) plain docxtpl, (c) the zip floor: same template, same plans
    renderer = Renderer()
    renderer.render(plans[0])
    out_a = work / "a"
    out_a.mkdir()

    def run_a() -> None:
        for n, plan in enumerate(plans):
            (out_a / f"{n}.docx").write_bytes(renderer.render(plan))

    env = sandboxed_environment()
    out_b = work / "b"
    out_b.mkdir()

    def run_b() -> None:
        for n, context in enumerate(contexts):
            doc = DocxTemplate(str(template_path))
            doc.render(context, jinja_env=env)
            doc.save(str(out_b / f"{n}.docx"))

    with zipfile.ZipFile(io.BytesIO(renderer.render(plans[0]))) as z:
        parts = [(i.filename, z.read(i)) for i in z.infolist()]
    out_c = work / "c"
    out_c.mkdir()

    def run_c() -> None:
        for n in range(batch):
            with zipfile.ZipFile(out_c / f"{n}.docx", "w", zipfile.ZIP_DEFLATED) as z:
                for name, data in parts:
                    z.writestr(name, data)

    a = per_plan(run_a, batch)
    b = per_plan(run_b, batch, repeat=1 if batch >= 500 else 2)
    c = per_plan(run_c, batch)
    print("per plan, same template and plans")
    print(f"  (a) planforge          {a * 1000:8.2f} ms  (plan -> context -> .docx file)")
    print(f"  (b) plain docxtpl      {b * 1000:8.2f} ms  (context -> .docx file)")
    print(f"  (c) zip floor          {c * 1000:8.2f} ms  (the same parts written into a zip)")
    print(f"  b/a = {b / a:5.1f}x  (target >= 5)     {verdict('a vs b', b / a >= 5)}")
    print(f"  a/c = {a / c:5.1f}x  (target <= 3)     {verdict('a vs c', a / c <= 3)}")

    # scaling with the number of items
    print("\nper plan, by number of items")
    timings = {}
    for items in (10, 100, 1000):
        plan = with_items(base, items)
        renderer.render(plan)
        count = max(3, 3000 // items) if not args.quick else max(2, 300 // items)
        timings[items] = per_plan(
            lambda p=plan, k=count: [renderer.render(p) for _ in range(k)], count
        )
        print(f"  {items:5} items          {timings[items] * 1000:8.2f} ms")
    scale = timings[1000] / timings[10]
    print(f"  1000/10 = {scale:5.1f}x  (target <= 120) {verdict('scaling', scale <= 120)}")

    # memory over many plans
    many = variants(base, 50)
    for plan in many:
        renderer.render(plan)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for n in range(growth_plans):
        renderer.render(many[n % len(many)])
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    print(
        f"\npeak memory growth over {growth_plans} plans: {grown:6.1f} MB  (target < 50) "
        f"{verdict('memory', grown < 50)}"
    )

    # the audit: render and audit against render alone, per plan, interleaved rounds
    checked = Renderer(check=True)
    checked.render_result(plans[0])
    renderer.render_result(plans[0])
    count = min(batch, 200)
    alone = with_audit = float("inf")
    for _ in range(5):
        alone = min(
            alone, per_plan(lambda: [renderer.render_result(p) for p in plans[:count]], count, 1)
        )
        with_audit = min(
            with_audit,
            per_plan(lambda: [checked.render_result(p) for p in plans[:count]], count, 1),
        )
    audit_ratio = with_audit / alone
    print(
        f"\nrender {alone * 1000:6.2f} ms, render + audit {with_audit * 1000:6.2f} ms a plan = "
        f"{audit_ratio:4.2f}x  (target <= 1.5) {verdict('audit', audit_ratio <= 1.5)}"
    )

    # --jobs 2 against --jobs 1: plan files in, .docx files out, as the CLI does
    sources = work / "plans"
    sources.mkdir()
    text = EXAMPLE.read_text(encoding="utf-8")
    for n in range(jobs_plans):
        data = yaml.safe_load(text)
        data["number"] = {"number": n + 1, "type": "KHPH"}
        (sources / f"xa-{n:04}.yaml").write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )

    def run_jobs(
        jobs: int, check: bool = False, pdf: bool = False, plans_dir: Path = sources
    ) -> None:
        target = work / f"jobs{jobs}{'-check' if check else ''}{'-pdf' if pdf else ''}"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()
        report = render_plans([plans_dir], target, jobs=jobs, check=check, pdf=pdf)
        assert report.ok, report.failed[:3]

    # generate-plan audits every document by default: 200 plan files with and without it
    bulk = work / "plans-200"
    bulk.mkdir()
    for path in sorted(sources.iterdir())[: min(200, jobs_plans)]:
        shutil.copy(path, bulk / path.name)
    bulk_count = len(list(bulk.iterdir()))
    best_check = {False: float("inf"), True: float("inf")}
    for _ in range(3):
        for check in (False, True):
            best_check[check] = min(
                best_check[check],
                per_plan(lambda c=check: run_jobs(1, check=c, plans_dir=bulk), bulk_count, 1),
            )
    bulk_ratio = best_check[True] / best_check[False]
    print(
        f"\n{bulk_count} plan files, as generate-plan: with the audit "
        f"{best_check[True] * 1000:6.2f} ms a plan, --no-check {best_check[False] * 1000:6.2f} "
        f"ms = {bulk_ratio:4.2f}x  (target <= 1.3) {verdict('bulk audit', bulk_ratio <= 1.3)}"
    )

    # interleaved rounds, best of each: a passing load on the shared machine hits both alike
    best = {1: float("inf"), 2: float("inf")}
    for _ in range(3):
        for jobs in (1, 2):
            best[jobs] = min(best[jobs], per_plan(lambda j=jobs: run_jobs(j), jobs_plans, 1))
    throughput = {jobs: 1 / seconds for jobs, seconds in best.items()}
    gain = throughput[2] / throughput[1]
    print(
        f"\n{jobs_plans} plan files: --jobs 1 {throughput[1]:6.0f} plans/s, --jobs 2 "
        f"{throughput[2]:6.0f} plans/s = {gain:4.2f}x  (target >= 1.6) "
        f"{verdict('jobs', gain >= 1.6)}"
    )

    # PDF: one LibreOffice run for 20 plans against one start per plan
    soffice = shutil.which("soffice")
    if soffice is None:
        print("\nPDF: LibreOffice is not installed; skipped")
    else:
        docs = sorted(out_a.glob("*.docx"), key=lambda p: int(p.stem))[:20]
        one_run = work / "pdf-one"
        one_run.mkdir()
        started = time.perf_counter()
        planforge.convert_to_pdf(docs, one_run)
        batch_time = (time.perf_counter() - started) / len(docs)
        each = work / "pdf-each"
        each.mkdir()
        started = time.perf_counter()
        for doc in docs:
            profile_dir = Path(tempfile.mkdtemp(prefix="lo-", dir=work))
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation={profile_dir.as_uri()}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(each),
                    str(doc),
                ],
                check=True,
                capture_output=True,
                timeout=300,
            )
        start_each = (time.perf_counter() - started) / len(docs)
        ratio = start_each / batch_time
        print(
            f"\nPDF of 20 plans: one run {batch_time:5.2f} s a plan, one start a plan "
            f"{start_each:5.2f} s a plan = {ratio:4.1f}x  (target >= 3) "
            f"{verdict('pdf', ratio >= 3)}"
        )
        # PDFs of many plans, as `generate-plan DIR -o OUT --pdf --jobs N`: interleaved rounds
        pdf_plans = work / "plans-pdf"
        pdf_plans.mkdir()
        for path in sorted(sources.iterdir())[: 20 if args.quick else 200]:
            shutil.copy(path, pdf_plans / path.name)
        pdf_count = len(list(pdf_plans.iterdir()))
        best_pdf = {1: float("inf"), 2: float("inf")}
        for _ in range(1 if args.quick else 2):
            for jobs in (1, 2):
                best_pdf[jobs] = min(
                    best_pdf[jobs],
                    per_plan(
                        lambda j=jobs: run_jobs(j, pdf=True, plans_dir=pdf_plans), pdf_count, 1
                    ),
                )
        pdf_gain = best_pdf[1] / best_pdf[2]
        print(
            f"\nPDFs of {pdf_count} plans: --jobs 1 {best_pdf[1]:5.3f} s a plan, --jobs 2 "
            f"{best_pdf[2]:5.3f} s a plan = {pdf_gain:4.2f}x  (target >= 1.7) "
            f"{verdict('pdf jobs', pdf_gain >= 1.7)}"
        )
    shutil.rmtree(work, ignore_errors=True)
    missed = [name for name, ok in TARGETS if not ok]
    print(
        f"\ntargets: {len(TARGETS) - len(missed)} of {len(TARGETS)} met"
        + (f"; missed: {', '.join(missed)}" if missed else "")
    )
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
