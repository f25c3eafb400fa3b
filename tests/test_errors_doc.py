"""Every row of docs/errors.md is run here: its message and exit status are what users get."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import click
import docx
import pytest
from click.testing import CliRunner

from planforge import _cli

from .conftest import EXAMPLES, ROOT

DOC = ROOT / "docs" / "errors.md"
#: The same rows in Vietnamese: what a clerk whose locale is Vietnamese (or who passes
#: `--lang vi`) reads.
DOC_VI = ROOT / "docs" / "errors.vi.md"
DOCS = {"en": DOC, "vi": DOC_VI}
#: The locale each document's messages are read under.
LOCALES = {"en": "C.UTF-8", "vi": "vi_VN.UTF-8"}
THANH_HOA = (EXAMPLES / "thanh-hoa-2023.yaml").read_text(encoding="utf-8")

MINIMAL = """issuers:
  - {name: SỞ Y TẾ, kind: state, abbreviation: SYT}
place: Hà Nội
date: 2024-05-06
title: {summary: Phối hợp năm 2024}
signatures: [{signer: Nguyễn Văn A}]
recipients: {to: [Như trên], archive: [VT]}
"""


@dataclass(frozen=True)
class Case:
    """Writes the input into a folder and returns the CLI arguments to run."""

    _make: Callable[[Path], list[str]]
    extra_args: list[str] = field(default_factory=list)
    also_replace: tuple[str, str] | None = None  # a second change to the plan file
    command: click.Command = _cli.generate_plan

    def make(self, folder: Path) -> list[str]:
        args = self._make(folder)
        if self.also_replace is not None:
            plan = Path(args[0])
            old, new = self.also_replace
            text = plan.read_text(encoding="utf-8")
            assert old in text
            plan.write_text(text.replace(old, new, 1), encoding="utf-8")
        return [*args, *self.extra_args]


def plan_file(text: str | bytes, name: str = "plan.yaml") -> Callable[[Path], list[str]]:
    def make(folder: Path) -> list[str]:
        path = folder / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return [str(path), "-o", str(folder / "out.docx")]

    return make


def minimal(old: str, new: str) -> Callable[[Path], list[str]]:
    assert old in MINIMAL
    return plan_file(MINIMAL.replace(old, new, 1))


def _existing_output(folder: Path) -> list[str]:
    args = plan_file(MINIMAL)(folder)
    (folder / "out.docx").write_bytes(b"keep me")
    return args


def _missing_folder(folder: Path) -> list[str]:
    return [*plan_file(MINIMAL)(folder)[:1], "-o", str(folder / "no" / "such" / "out.docx")]


def _unsafe_template(folder: Path) -> list[str]:
    from .test_template_security import external_image, make_template

    template = make_template(folder, external_image("http://x.invalid/a.png"))
    return [*plan_file(MINIMAL)(folder), "--template", str(template)]


def _template_variable(folder: Path) -> list[str]:
    from .test_template_security import _in_body, make_template

    template = make_template(folder, _in_body("{{ header.nmber }}"))
    return [*plan_file(THANH_HOA)(folder), "--template", str(template)]


def _word_file(*paragraphs: str, table: bool = False) -> Callable[[Path], list[str]]:
    """A .docx with *paragraphs* (and a 3x3 table of numbers), as `planforge import` it."""

    def make(folder: Path) -> list[str]:
        document = docx.Document()
        for text in paragraphs:
            document.add_paragraph(text)
        if table:
            cells = document.add_table(rows=3, cols=3)
            for n, cell in enumerate(c for row in cells.rows for c in row.cells):
                cell.text = str(n)
        path = folder / "van-ban.docx"
        document.save(str(path))
        return ["import", str(path)]

    return make


def _import_over_existing(folder: Path) -> list[str]:
    args = _render_example(folder)
    (folder / "ke-hoach.yaml").write_text("mine\n", encoding="utf-8")
    return args


def _render_example(folder: Path) -> list[str]:
    from planforge import load_plan, render_plan

    render_plan(load_plan(EXAMPLES / "phu-yen-2022.yaml"), folder / "ke-hoach.docx")
    return ["import", str(folder / "ke-hoach.docx")]


def _fix_without_output(folder: Path) -> list[str]:
    return ["check", _render_example(folder)[1], "--fix"]


def _mojibake(text: str) -> str:
    """*text* as UTF-8 read as Windows-1252 (the bytes it leaves undefined as C1 controls)."""
    return "".join(
        chr(b) if b in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else bytes([b]).decode("cp1252")
        for b in text.encode("utf-8")
    )


def _template_file(content: bytes, name: str) -> Callable[[Path], list[str]]:
    def make(folder: Path) -> list[str]:
        (folder / name).write_bytes(content)
        return [*plan_file(MINIMAL)(folder), "--template", str(folder / name)]

    return make


def _odt() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buf.getvalue()


_SIGNED = "signatures: [{signer: Nguyễn Văn A}]"


def _not_a_zip(folder: Path) -> list[str]:
    (folder / "van-ban.docx").write_text("Kế hoạch phối hợp\n", encoding="utf-8")
    return ["import", str(folder / "van-ban.docx")]


CASES: dict[str, Case] = {
    "missing-file": Case(lambda f: [str(f / "nope.yaml")]),
    "wrong-suffix": Case(plan_file(MINIMAL, "plan.txt")),
    "word-as-plan": Case(plan_file(b"PK\x03\x04 a .docx", "ke-hoach.docx")),
    "word-renamed-as-plan": Case(plan_file(b"PK\x03\x04 a .docx", "ke-hoach.yaml")),
    "not-utf8": Case(plan_file(MINIMAL.encode("cp1258", "replace"))),
    "ansi-code-page": Case(plan_file(MINIMAL.encode("cp1252", "replace"))),
    "utf16-without-bom": Case(plan_file(MINIMAL.encode("utf-16-le"))),
    "tcvn3-file": Case(
        plan_file("place: Hµ Néi\ntitle: {summary: KÕ ho¹ch phèi hîp n¨m 2024}\n".encode("cp1252"))
    ),
    "mojibake": Case(minimal("SỞ Y TẾ", _mojibake("SỞ Y TẾ"))),
    "mojibake-control": Case(minimal("Hà Nội", _mojibake("Đắk Lắk"))),
    "empty-file": Case(plan_file("# kế hoạch năm 2024\n\n")),
    "tab-indent": Case(minimal("  - {name", "\t- {name")),
    "colon-in-text": Case(plan_file(MINIMAL + "preamble: Căn cứ kế hoạch: số 12 của UBND tỉnh\n")),
    "colon-in-item": Case(
        plan_file(
            MINIMAL + "parts:\n  - title: MỤC ĐÍCH, YÊU CẦU\n    items:\n"
            "      - Mục đích: Nâng cao chất lượng\n"
        )
    ),
    "key-twice": Case(plan_file(MINIMAL + "place: Nha Trang\n")),
    "authority-unknown-prefix": Case(
        minimal(_SIGNED, "signatures: [{authority: [TM. ỦY BAN NHÂN DÂN, XY. ABC], signer: A}]")
    ),
    "authority-no-prefix": Case(
        minimal(_SIGNED, "signatures: [{authority: [ỦY BAN NHÂN DÂN], signer: A}]")
    ),
    "template-doc": Case(
        _template_file(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024), "mau.doc")
    ),
    "template-odt": Case(_template_file(_odt(), "mau.odt")),
    "warn-utf16": Case(plan_file(MINIMAL.encode("utf-16"))),
    "warn-comma-list": Case(minimal("to: [Như trên]", "to: [Như trên, Các sở, ban, ngành]")),
    "warn-prefix-spelling": Case(
        minimal(_SIGNED, "signatures: [{authority: [T/M SỞ Y TẾ], signer: A}]")
    ),
    "yaml-syntax": Case(plan_file("issuers:\n  - name: A\n    kind: [state\n")),
    "json-syntax": Case(plan_file("{issuers: []}", "plan.json")),
    "not-a-mapping": Case(plan_file("- just\n- a list\n")),
    "unknown-field": Case(minimal("abbreviation: SYT", "abreviation: SYT")),
    "missing-field": Case(minimal("title: {summary: Phối hợp năm 2024}\n", "")),
    "wrong-type": Case(minimal("date: 2024-05-06", "date: 2024-05-06\nnumber: {number: abc}")),
    "empty-text": Case(minimal("signer: Nguyễn Văn A", 'signer: "  "')),
    "not-an-option": Case(
        minimal(
            "signatures: [{signer: Nguyễn Văn A}]",
            "signatures: [{signer: Nguyễn Văn A}]\nparts: [{title: P, list_style: greek,\n"
            "  items: [x]}]",
        )
    ),
    "unknown-kind": Case(minimal("kind: state", "kind: stat")),
    "bad-date": Case(minimal("date: 2024-05-06", "date: 2023-02-29")),
    "no-date": Case(minimal("date: 2024-05-06\n", "")),
    "control-character": Case(minimal("place: Hà Nội", 'place: "Hà\x0bNội"')),
    "escaped-control-character": Case(
        plan_file('{"issuers": [{"name": "A\\u000bB", "kind": "state"}]}', "plan.json")
    ),
    "tcvn3": Case(minimal("Phối hợp năm 2024", "KÕ ho¹ch phèi hîp n¨m 2024")),
    "vni": Case(minimal("Phối hợp năm 2024", "Keá hoaïch phoái hôïp naêm 2024")),
    "output-exists": Case(_existing_output),
    "output-folder-missing": Case(_missing_folder),
    "unknown-profile": Case(lambda f: [*plan_file(MINIMAL)(f), "--profile", "nd99"]),
    "unsafe-template": Case(_unsafe_template),
    "template-variable": Case(_template_variable),
    "usage": Case(lambda f: ["--no-such-option"]),
    "import-letter": Case(
        _word_file("Kính gửi: Sở Y tế", "Công ty xin gửi lời chào trân trọng.", "Nguyễn Văn A"),
        command=_cli.planforge,
    ),
    "import-empty": Case(_word_file(), command=_cli.planforge),
    "import-table-only": Case(_word_file(table=True), command=_cli.planforge),
    "import-not-docx": Case(_not_a_zip, command=_cli.planforge),
    "import-exists": Case(_import_over_existing, command=_cli.planforge),
    "fix-without-output": Case(_fix_without_output, command=_cli.planforge),
    "warn-t-m-before-ban": Case(plan_file(THANH_HOA)),
    "warn-kt-not-deputy": Case(
        minimal(
            "signatures: [{signer: Nguyễn Văn A}]",
            "signatures: [{authority: [{deputy: GIÁM ĐỐC}], position: GIÁM ĐỐC, signer: A}]",
        )
    ),
    "warn-collective-not-issuer": Case(
        minimal(
            "signatures: [{signer: Nguyễn Văn A}]",
            "signatures: [{authority: [{collective: SỞ TÀI CHÍNH}], signer: A}]",
        )
    ),
    "warn-joint-signatures": Case(
        minimal(
            "  - {name: SỞ Y TẾ, kind: state, abbreviation: SYT}",
            "  - {name: SỞ Y TẾ, kind: state, abbreviation: SYT}\n"
            "  - {name: SỞ TƯ PHÁP, kind: state, abbreviation: STP}",
        )
    ),
    "warn-symbol": Case(minimal("date: 2024-05-06", "date: 2024-05-06\nnumber: {symbols: [SYTE]}")),
    "warn-number": Case(minimal("date: 2024-05-06", "date: 2024-05-06\nnumber: {number: 0}")),
    "warn-empty-recipient": Case(minimal("to: [Như trên]", 'to: [Như trên, ""]')),
    "warn-no-archive": Case(minimal(", archive: [VT]", "")),
    "plan-profile-file-missing": Case(plan_file("profile: my-office.yaml\n" + MINIMAL)),
    "no-such-prefix": Case(
        minimal(
            "  - {name: SỞ Y TẾ, kind: state, abbreviation: SYT}",
            "  - {name: TỈNH ỦY LÂM ĐỒNG, kind: party, abbreviation: TU}",
        ),
        ["--profile", "hd05-2026"],
        (
            "signatures: [{signer: Nguyễn Văn A}]",
            "signatures: [{authority: [{by_authorization: BÍ THƯ}], signer: A}]",
        ),
    ),
    "warn-profile-period": Case(
        minimal(
            "  - {name: SỞ Y TẾ, kind: state, abbreviation: SYT}",
            "  - {name: TỈNH ỦY LÂM ĐỒNG, kind: party, abbreviation: TU}",
        ),
        ["--profile", "hd36-2018"],
        ("date: 2024-05-06", "date: 2026-06-15"),
    ),
    "warn-district-level": Case(
        minimal("name: SỞ Y TẾ", "name: UBND HUYỆN KRÔNG PẮC"),
        [],
        ("date: 2024-05-06", "date: 2025-08-01"),
    ),
}


def doc_rows(language: str = "en") -> list[tuple[str, str, int]]:
    """(case, message, exit status) of every row of the tables in docs/errors.md (or its
    Vietnamese twin)."""
    rows = []
    for line in DOCS[language].read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*`([a-z0-9-]+)`\s*\|.*\|\s*(.+?)\s*\|\s*(\d)\s*\|\s*$", line)
        if match:
            message = match.group(2).strip()
            rows.append((match.group(1), message, int(match.group(3))))
    return rows


def _all_rows() -> list[tuple[str, str, str, int]]:
    return [(lang, *row) for lang in DOCS for row in doc_rows(lang)]


def _unquote(message: str) -> str:
    # the doc shows each message in backticks; a backtick inside is doubled-fenced: `` x ``
    inner = re.fullmatch(r"(`+)\s?(.*?)\s?\1", message)
    return inner.group(2) if inner else message


@pytest.mark.parametrize("language", DOCS)
def test_every_case_is_documented_and_every_row_has_a_case(language: str) -> None:
    documented = [case for case, _, _ in doc_rows(language)]
    assert len(documented) == len(set(documented))
    assert set(documented) == set(CASES)


def test_the_two_languages_document_the_same_exit_statuses() -> None:
    english = {case: status for case, _, status in doc_rows("en")}
    assert {case: status for case, _, status in doc_rows("vi")} == english


@pytest.mark.parametrize(
    ("language", "case", "message", "status"),
    _all_rows(),
    ids=[f"{r[0]}-{r[1]}" for r in _all_rows()],
)
def test_documented_message_and_exit_status(
    tmp_path: Path, language: str, case: str, message: str, status: int
) -> None:
    args = CASES[case].make(tmp_path)
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.docx")}
    before |= {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.yaml")}
    result = CliRunner(env={"LANG": LOCALES[language]}).invoke(CASES[case].command, args)
    assert result.exit_code == status, result.output
    assert _unquote(message) in result.stderr, result.stderr
    assert "Traceback" not in result.output
    if status != 0:
        after = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.docx")}
        after |= {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.yaml")}
        assert after == before, "a failed run must not write or change any .docx or plan"


def test_every_promise_names_tests_that_exist() -> None:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Untrusted input: what planforge promises", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "`test_" in line]
    assert len(rows) >= 10
    defined = set()
    for module in (ROOT / "tests").glob("test_*.py"):
        defined |= set(re.findall(r"^def (test_\w+)", module.read_text(encoding="utf-8"), re.M))
    for row in rows:
        named = re.findall(r"`(test_\w+)`", row.rsplit("|", 2)[1])
        assert named, row
        assert set(named) <= defined, set(named) - defined
