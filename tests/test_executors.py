"""render_plans on any executor: the built-in pool, a ProcessPoolExecutor, a Dask cluster."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from planforge import _bulk, render_plans
from planforge._bulk import RenderReport

from .conftest import ROOT
from .test_bulk import PHU_YEN, THANH_HOA, communes, texts


class Recording(Executor):
    """An executor that hands every task to *inner* and notes the function submitted."""

    def __init__(self, inner: Executor) -> None:
        self.inner = inner
        self.submitted: list[str] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.submitted.append(fn.__name__)
        return self.inner.submit(fn, *args, **kwargs)


@pytest.fixture
def plans(tmp_path: Path) -> list[Path]:
    """Three units and one broken unit of a collection, a plan with a finding, a broken file."""
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "bad.yaml").write_text("issuers: [\n", encoding="utf-8")
    (folder / "thanh-hoa.yaml").write_text(THANH_HOA.read_text(encoding="utf-8"), "utf-8")
    (folder / "phu-yen.yaml").write_text(PHU_YEN.read_text(encoding="utf-8"), "utf-8")
    return [folder, communes(tmp_path, 3, broken=True)]


def _same(report: RenderReport) -> tuple[list[str], list[tuple[str, str]], list[tuple[str, str]]]:
    return (
        sorted(p.name for p in report.rendered),
        sorted(report.failed),
        sorted((label, repr(f)) for label, f in report.findings),
    )


def _documents(report: RenderReport) -> dict[str, str]:
    return {p.name: texts(p) for p in report.rendered}


def _compare(plans: list[Path], tmp_path: Path, executor: Recording) -> None:
    alone = render_plans(plans, tmp_path / "alone", parents=True)
    assert len(alone.rendered) == 5 and len(alone.failed) == 2
    assert alone.findings, "the plans have findings to carry"
    spread = render_plans(plans, tmp_path / "spread", parents=True, executor=executor)
    # the renders went to the executor (not the built-in pool), the broken unit did not
    assert executor.submitted == ["render_in_worker"] * 6
    assert _same(spread) == _same(alone)
    assert all(p.parent == tmp_path / "spread" for p in spread.rendered)
    assert _documents(spread) == _documents(alone)
    assert sorted(p.name for p in (tmp_path / "spread").iterdir()) == _same(alone)[0]
    assert "Số 11-KHPH/BTGTU-UBND" in texts(tmp_path / "spread" / "xã-1.docx")


def test_a_process_pool_executor_gives_the_same_documents_and_report(
    plans: list[Path], tmp_path: Path
) -> None:
    with ProcessPoolExecutor(2) as pool:
        executor = Recording(pool)
        _compare(plans, tmp_path, executor)
        # each worker made its renderer once and kept it
        counts = [pool.submit(_renderers_here).result() for _ in range(4)]
    assert all(c in (0, 1) for c in counts) and any(counts)


def _renderers_here() -> int:
    return len(_bulk._renderers)


def test_settings_survive_pickling_and_a_template_reaches_the_worker(tmp_path: Path) -> None:
    import pickle

    from planforge import load_plan

    from .conftest import EXAMPLES

    template = EXAMPLES / "templates" / "so-vhttdl.docx"
    plan = load_plan(THANH_HOA)
    with ProcessPoolExecutor(1) as pool:
        report = render_plans(
            {"a": plan, "b": plan},
            tmp_path,
            template=template,
            profile="nd30-2020",
            executor=pool,
        )
    assert report.ok, report.failed
    assert all("Văn bản này được ký số" in texts(p) for p in report.rendered)
    settings = _bulk.RenderSettings(template.read_bytes(), str(template), None, True, None)
    assert pickle.loads(pickle.dumps(settings)).key() == settings.key()


def test_a_task_the_executor_loses_fails_alone(tmp_path: Path) -> None:
    class Refusing(Executor):
        def __init__(self) -> None:
            self.inner = ProcessPoolExecutor(1)

        def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
            if args[0].name == "p1":
                failed: Future[Any] = Future()
                failed.set_exception(RuntimeError("worker lost"))
                return failed
            return self.inner.submit(fn, *args, **kwargs)

    from planforge import load_plan

    plan = load_plan(PHU_YEN)
    executor = Refusing()
    try:
        report = render_plans({f"p{n}": plan for n in range(3)}, tmp_path, executor=executor)
    finally:
        executor.inner.shutdown()
    assert sorted(p.name for p in report.rendered) == ["p0.docx", "p2.docx"]
    assert report.failed == [
        ("p1", "the executor did not render this plan: RuntimeError: worker lost")
    ]


#: Run in a Python process of its own: a Dask client leaves threads behind in the process that
#: made it, and a process with them forks badly (the template checks fork their children).
_DASK_RUN = """
import os
import sys
from pathlib import Path

from distributed import Client, LocalCluster

from tests.test_executors import Recording, _compare, _renderers_here

if __name__ == "__main__":
    tmp, plans = Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]]
    with LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    ) as cluster, Client(cluster) as client:
        _compare(plans, tmp, Recording(client.get_executor()))
        # rendered in the workers, each of which made its renderer once
        made = client.run(_renderers_here)
        assert len(made) == 2 and all(c in (0, 1) for c in made.values()), made
        assert any(made.values()), made
        assert all(pid != os.getpid() for pid in client.run(os.getpid).values())
    print("dask: same documents and report")
"""


def test_a_dask_cluster_gives_the_same_documents_and_report(
    plans: list[Path], tmp_path: Path
) -> None:
    """A local Dask cluster of two worker processes; skips without `distributed`, except
    under CI, where it must be installed."""
    if importlib.util.find_spec("distributed") is None:
        if os.environ.get("CI"):
            pytest.fail("dask[distributed] is required under CI but is not installed")
        pytest.skip("dask[distributed] is not installed")
    script = tmp_path / "dask_run.py"
    script.write_text(_DASK_RUN, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path), *map(str, plans)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "dask: same documents and report" in done.stdout
