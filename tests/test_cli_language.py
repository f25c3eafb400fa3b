"""The command line in Vietnamese: `--lang`, the locale (`LANG=vi_VN.UTF-8`), a language that
ends with the command, and workers of a bulk render that speak the caller's language."""

from __future__ import annotations

import multiprocessing
import shutil
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from planforge import _cli, render_plans
from planforge._i18n import _, current_language, set_language, using_language

from .conftest import EXAMPLES

PHU_YEN = EXAMPLES / "phu-yen-2022.yaml"
VIETNAMESE = {"LANG": "vi_VN.UTF-8"}
EXISTS = "exists already; pass force=True to replace it"


def generate(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(_cli.generate_plan, [str(a) for a in args], env=env)


def planforge(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(_cli.planforge, [str(a) for a in args], env=env)


def _existing(tmp_path: Path) -> Path:
    out = tmp_path / "plan.docx"
    out.write_bytes(b"precious")
    return out


# -- --lang and the locale ----------------------------------------------------------------------


def test_lang_vi_speaks_vietnamese_with_the_flag_of_the_command_line(tmp_path: Path) -> None:
    out = _existing(tmp_path)
    result = generate("--lang", "vi", PHU_YEN, "-o", out)
    assert result.exit_code == 2
    assert "lỗi:" in result.stderr
    assert "đã có; dùng --force để thay thế" in result.stderr  # force=True shown as its flag
    assert "exists already" not in result.stderr
    assert out.read_bytes() == b"precious"


def test_lang_on_the_group_reaches_its_commands(tmp_path: Path) -> None:
    out = _existing(tmp_path)
    result = planforge("--lang", "vi", "render", PHU_YEN, "-o", out)
    assert result.exit_code == 2
    assert "đã có; dùng --force để thay thế" in result.stderr
    result = planforge("--lang", "vi", "check", "--fix", tmp_path / "doc.docx")
    assert result.exit_code == 2
    assert "hãy chỉ định -o FILE.docx, hoặc dùng --force để thay thế chính" in result.stderr


def _command_paths(group: click.Group, above: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = []
    for name, command in group.commands.items():
        paths.append((*above, name))
        if isinstance(command, click.Group):
            paths += _command_paths(command, (*above, name))
    return paths


@pytest.mark.parametrize("path", _command_paths(_cli.planforge), ids=" ".join)
def test_every_command_takes_lang_after_its_name(path: tuple[str, ...]) -> None:
    # `planforge check X --lang vi` as `planforge --lang vi check X`, for each command
    refused = planforge(*path, "--lang", "vi", "--no-such-option")
    assert refused.exit_code == 2
    assert "Không có tùy chọn '--no-such-option'" in refused.stderr, refused.stderr
    back = planforge(*path, "--lang", "en", "--no-such-option", env=VIETNAMESE)
    assert "Error: No such option '--no-such-option'" in back.stderr, back.stderr
    shown = planforge(*path, "--help", "--lang", "vi")
    assert shown.exit_code == 0 and "--lang [vi|en]" in shown.stdout


def test_new_says_what_it_wrote_in_the_language_asked_after_its_name(tmp_path: Path) -> None:
    result = planforge("new", tmp_path / "plan.yaml", "--lang", "vi")
    assert result.exit_code == 0
    assert "hãy điền nội dung, rồi chạy: generate-plan" in result.stderr


def test_the_locale_chooses_vietnamese_without_the_option(tmp_path: Path) -> None:
    result = generate(PHU_YEN, "-o", tmp_path / "plan.txt", env=VIETNAMESE)
    assert result.exit_code == 2
    assert "planforge chỉ ghi văn bản .docx" in result.stderr
    assert "Hãy đặt tên là plan.docx hoặc plan.pdf" in result.stderr
    result = planforge("new", tmp_path / "plan.txt", env=VIETNAMESE)
    assert result.exit_code == 2
    assert "kế hoạch mẫu để điền là tệp YAML; hãy đặt tên là plan.yaml" in result.stderr


def test_success_lines_speak_vietnamese_too(tmp_path: Path) -> None:
    out = tmp_path / "plan.docx"
    result = generate("--lang", "vi", PHU_YEN, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert f"đã ghi {out}" in result.stderr
    result = planforge("profiles", env=VIETNAMESE)
    assert result.exit_code == 0
    assert result.output.startswith("BỘ QUY TẮC")


def test_lang_en_wins_over_a_vietnamese_locale(tmp_path: Path) -> None:
    out = _existing(tmp_path)
    result = generate("--lang", "en", PHU_YEN, "-o", out, env=VIETNAMESE)
    assert result.exit_code == 2
    assert "error:" in result.stderr
    assert "exists already; pass --force to replace it" in result.stderr
    result = planforge("--lang", "en", "new", tmp_path / "plan.txt", env=VIETNAMESE)
    assert "a starter plan is YAML; name it plan.yaml" in result.stderr


def test_the_option_is_checked() -> None:
    result = generate("--lang", "fr", PHU_YEN)
    assert result.exit_code == 2
    assert "--lang" in result.stderr


# -- the language ends with the command -------------------------------------------------------


def test_the_language_chosen_does_not_outlive_the_command(tmp_path: Path) -> None:
    assert current_language() == "en"
    generate("--lang", "vi", PHU_YEN, "-o", _existing(tmp_path))
    assert current_language() == "en"
    assert _(EXISTS) == EXISTS
    planforge("--lang", "vi", "render", PHU_YEN, "-o", tmp_path / "fresh.docx")
    assert current_language() == "en"
    planforge("--lang", "vi", "profiles")
    assert current_language() == "en"


def test_nor_a_command_refused_while_its_arguments_are_read(tmp_path: Path) -> None:
    refused = [
        generate("--lang", "vi", "--jobs", "0", PHU_YEN),  # out of range
        generate("--lang", "vi", "--profile", "no-such-profile", PHU_YEN),
        generate("--lang", "vi"),  # PLAN... missing
        planforge("--lang", "vi", "no-such-command"),
        planforge("--lang", "vi", "--no-such-option"),
        planforge("--lang", "vi", "check", "--format", "xml", tmp_path / "x.docx"),
    ]
    assert all(result.exit_code == 2 for result in refused)
    assert current_language() == "en"
    assert _(EXISTS) == EXISTS


def test_a_language_chosen_by_the_caller_comes_back_after_the_command(tmp_path: Path) -> None:
    set_language("vi")
    result = generate("--lang", "en", PHU_YEN, "-o", _existing(tmp_path))
    assert "exists already" in result.stderr
    assert current_language() == "vi"
    result = planforge("--lang", "en", "--lang", "vi", "new", tmp_path / "plan.txt")
    assert current_language() == "vi"
    set_language(None)
    assert current_language() == "en"


# -- workers of a bulk render --------------------------------------------------------------------


def _two_plans(tmp_path: Path) -> tuple[Path, Path, Path]:
    """Two plans, the second with a date that is none (its error is made where it is read:
    in the worker), and an output folder."""
    plans = tmp_path / "plans"
    plans.mkdir()
    first, second = plans / "a.yaml", plans / "b.yaml"
    shutil.copy(PHU_YEN, first)
    second.write_text(
        PHU_YEN.read_text(encoding="utf-8").replace("date: 2022-02-23", "date: 23/02/2022"),
        encoding="utf-8",
    )
    assert "23/02/2022" in second.read_text(encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    return first, second, out


NOT_A_DATE = "must be a date written YYYY-MM-DD"
KHONG_PHAI_NGAY = "phải là ngày viết theo dạng YYYY-MM-DD"


def test_a_process_pool_fails_plans_in_vietnamese(tmp_path: Path) -> None:
    first, second, out = _two_plans(tmp_path)
    result = generate("--lang", "vi", "-j", "2", first, second, "-o", out)
    assert result.exit_code == 1
    assert "thất bại:" in result.stderr
    assert KHONG_PHAI_NGAY in result.stderr  # made in the worker
    assert "đã tạo văn bản cho 1 trên 2 kế hoạch" in result.stderr
    assert NOT_A_DATE not in result.stderr
    assert (out / "a.docx").is_file()
    assert not (out / "b.docx").exists()
    assert current_language() == "en"


def test_workers_spawned_fresh_speak_the_callers_language(tmp_path: Path) -> None:
    """A spawned process knows only its environment (English here): the language reaches it
    in the settings of each task, and the next task may ask for another."""
    first, second, out = _two_plans(tmp_path)
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        with using_language("vi"):
            report = render_plans([first, second], out, executor=pool)
            summary = report.summary()
        assert [path.name for path in report.rendered] == ["a.docx"]
        ((label, error),) = report.failed
        assert label.endswith("b.yaml")
        assert KHONG_PHAI_NGAY in error
        assert summary.startswith("đã tạo văn bản cho 1 trên 2 kế hoạch")
        # the same worker, asked in English, answers in English
        (out / "a.docx").unlink()
        report = render_plans([first, second], out, executor=pool)
    assert NOT_A_DATE in report.failed[0][1]
    assert report.summary().startswith("rendered 1 of 2 plans")


def test_threads_of_the_callers_process_leave_its_language_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers that are threads of the caller change nothing: a language the environment gave
    is not turned into a choice that outlives the render."""
    first, second, out = _two_plans(tmp_path)
    monkeypatch.setenv("LANG", "vi_VN.UTF-8")
    with ThreadPoolExecutor(max_workers=2) as pool:
        report = render_plans([first, second], out, executor=pool)
    assert KHONG_PHAI_NGAY in report.failed[0][1]
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert current_language() == "en"
