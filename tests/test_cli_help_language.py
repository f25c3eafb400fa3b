"""planforge's own help texts (`--help` of each command and option) in the language of the
messages: Vietnamese with `LANG=vi_VN.UTF-8` or `--lang vi`, the English of the code otherwise;
every help text of the command tree is marked for the catalogs."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner, Result

from planforge import _cli
from planforge._i18n import using_language
from planforge._profiles import builtin_profiles

from .conftest import ROOT

# only LANG speaks: a LC_ALL, LC_MESSAGES or LANGUAGE of the machine would outvote it
_UNSET: dict[str, str | None] = {"LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None}
VIETNAMESE = {**_UNSET, "LANG": "vi_VN.UTF-8"}
ENGLISH = {**_UNSET, "LANG": "C.UTF-8"}
CATALOG = ROOT / "planforge" / "locale" / "vi" / "LC_MESSAGES" / "planforge.po"


def generate(*args: str, env: dict[str, str | None]) -> Result:
    return CliRunner().invoke(
        _cli.generate_plan, list(args), env=env, prog_name="generate-plan", terminal_width=80
    )


def planforge(*args: str, env: dict[str, str | None]) -> Result:
    return CliRunner().invoke(
        _cli.planforge, list(args), env=env, prog_name="planforge", terminal_width=80
    )


def flat(text: str) -> str:
    """*text* on one line: the help is wrapped to the terminal's width."""
    return " ".join(text.split())


# -- in Vietnamese -------------------------------------------------------------------------------

# (how the language is chosen, the arguments before the command's own)
WAYS = [
    pytest.param(VIETNAMESE, (), id="LANG=vi_VN.UTF-8"),
    pytest.param(ENGLISH, ("--lang", "vi"), id="--lang vi"),
]


@pytest.mark.parametrize(("env", "lang"), WAYS)
def test_generate_plan_help_in_vietnamese(env: dict[str, str | None], lang: tuple[str]) -> None:
    result = generate(*lang, "--help", env=env)
    assert result.exit_code == 0, result.output
    shown = flat(result.stdout)
    assert "Tạo văn bản Word từ kế hoạch (YAML hoặc JSON)" in shown  # the command's description
    assert "Mã thoát: 0 hoàn tất, 1 thất bại" in shown
    assert "--force Thay thế tệp đầu ra nếu tệp đó đã có." in shown
    profiles = ", ".join(builtin_profiles())
    assert (
        f"--profile NAME|FILE Bộ quy tắc thể thức: {profiles}, hoặc một tệp bộ quy tắc thể thức."
    ) in shown
    assert "Số tiến trình tạo văn bản cùng lúc (khi có nhiều kế hoạch). [mặc định: 1;" in shown
    assert "--lang [vi|en] ngôn ngữ của thông báo: vi (tiếng Việt) hoặc en" in shown
    assert "--version Hiện phiên bản rồi thoát." in shown
    assert "--help Hiện hướng dẫn này rồi thoát." in shown
    assert "Render plans" not in shown and "Replace the output file" not in shown


@pytest.mark.parametrize(("env", "lang"), WAYS)
def test_check_help_in_vietnamese(env: dict[str, str | None], lang: tuple[str]) -> None:
    result = planforge(*lang, "check", "--help", env=env)
    assert result.exit_code == 0, result.output
    shown = flat(result.stdout)
    assert shown.startswith("Cách dùng: planforge check [TÙY CHỌN] FILE.docx")
    assert (
        "Kiểm tra thể thức các văn bản Word (tạo bằng planforge, Word hoặc LibreOffice) theo "
        "các quy tắc thể thức. Mã thoát: 0 không có lỗi, 1 có lỗi, 2 có tệp không đọc được."
    ) in shown
    assert (
        "--profile NAME|FILE Bộ quy tắc thể thức dùng để kiểm tra (mặc định: chọn theo tiêu ngữ)."
    ) in shown
    assert "--force Với --fix: thay thế tệp đã có." in shown
    assert "json: danh sách kết quả kiểm tra ghi ra đầu ra chuẩn" in shown  # the value stays
    assert "(như `planforge reformat`): ghi vào -o FILE, hoặc ghi đè" in shown
    assert "Audit Word documents" not in shown and "With --fix" not in shown


@pytest.mark.parametrize(("env", "lang"), WAYS)
def test_planforge_help_in_vietnamese(env: dict[str, str | None], lang: tuple[str]) -> None:
    result = planforge(*lang, "--help", env=env)
    assert result.exit_code == 0, result.output
    shown = flat(result.stdout)
    assert "planforge: kế hoạch phối hợp thành văn bản Word theo thể thức của Việt Nam." in shown
    # each command's short help, shortened from its description
    assert "check Kiểm tra thể thức các văn bản Word" in shown
    assert "template Xuất, tùy chỉnh và kiểm tra tệp mẫu Word." in shown
    assert "validate Kiểm tra kế hoạch mà không tạo văn bản" in shown
    assert "Vietnamese coordination plans" not in shown and "Audit Word" not in shown


@pytest.mark.parametrize(("env", "lang"), WAYS)
def test_subcommands_help_in_vietnamese(env: dict[str, str | None], lang: tuple[str]) -> None:
    expected = {
        ("template", "export"): "Thay thế các tệp mẫu đã có trong DIRECTORY.",
        ("template", "check"): "Bộ quy tắc thể thức dùng khi tạo thử văn bản.",
        ("new",): "state: một cơ quan nhà nước (ND30); party: một cơ quan của Đảng;",
        ("schema",): "Lược đồ (JSON Schema) của tệp bộ quy tắc thể thức.",
        ("preview",): "Thư mục để ghi các tệp PNG.",
        ("import",): "Nơi ghi kế hoạch (mặc định: FILE.yaml cạnh văn bản;",
        ("reformat",): "Văn bản mới (mặc định: FILE.reformatted.docx cạnh văn bản gốc;",
        ("profiles",): "Liệt kê các bộ quy tắc thể thức có sẵn",
        ("validate",): "Tên hoặc tệp bộ quy tắc thể thức.",
        ("context",): "In ra dưới dạng JSON đúng các biến mà mẫu nhận được với PLAN.",
        ("render",): "Tạo văn bản Word từ kế hoạch (YAML hoặc JSON)",
        ("template",): "Xuất, tùy chỉnh và kiểm tra tệp mẫu Word.",
    }
    for command, text in expected.items():
        result = planforge(*lang, *command, "--help", env=env)
        assert result.exit_code == 0, result.output
        assert text in flat(result.stdout), command


# -- in English ----------------------------------------------------------------------------------

CHECK_HELP = """\
Usage: planforge check [OPTIONS] FILE.docx...

  Audit Word documents (made by planforge, Word or LibreOffice) against the
  format rules. Exit status: 0 no error, 1 errors found, 2 a file unreadable.

Options:
  --profile NAME|FILE         Rules to check (default: by the motto).
  --format [text|json]        json: a list of findings on standard output, for
                              systems that call it (with several documents: an
                              object for each, with its document, profile and
                              findings, or error).
  --fix                       Rebuild the document by the rules (as `planforge
                              reformat`): into -o FILE, or in place with
                              --force.
  -o, --output OUT.docx|DIR/  With --fix: where to write the fixed document.
  --force                     With --fix: replace an existing file.
  --parents                   With --fix: create the folder of -o if missing.
  --debug                     Show the Python traceback of an error.
  --lang [vi|en]              language of messages: vi (tiếng Việt) or en;
                              default: from the locale, LANG=vi_VN.UTF-8 gives
                              Vietnamese
  --help                      Show this message and exit.
"""

PLANFORGE_HELP = """\
Usage: planforge [OPTIONS] COMMAND [ARGS]...

  planforge: Vietnamese coordination plans as Word documents.

Options:
  --version       Show the version and exit.
  --lang [vi|en]  language of messages: vi (tiếng Việt) or en; default: from the
                  locale, LANG=vi_VN.UTF-8 gives Vietnamese
  --help          Show this message and exit.

Commands:
  check     Audit Word documents (made by planforge, Word or LibreOffice)...
  context   Print, as JSON, exactly the variables a template sees for PLAN.
  import    Read a plan out of a Word document (made by planforge, Word or...
  new       Write a starter plan to fill in: every field shown once, with a...
  preview   Write one PNG a page of a plan (YAML/JSON, rendered first) or a...
  profiles  List the built-in format profiles: the kind of issuer each...
  reformat  Rebuild a Word document by the rules: read the plan it holds,...
  render    Render plans (YAML or JSON) as Word documents: one plan file,...
  schema    Print the JSON Schema of plan files (or, with --profile, of...
  template  Export, customize and check Word templates.
  validate  Check plans without rendering them: every error and warning of...
"""

GENERATE_PLAN_HELP = """\
Usage: generate-plan [OPTIONS] PLAN...

  Render plans (YAML or JSON) as Word documents: one plan file, or many files,
  folders and collection files (`plans:`, or `base:` and `units:`) into the
  folder -o.

  Exit status: 0 done, 1 failure (with many plans: any failed), 2 bad input or
  usage.

Options:
  --version                       Show the version and exit.
  -o, --output OUT.docx|OUT.pdf|DIR/
                                  For one plan: the .docx (a .pdf: the PDF
                                  alone; a folder: <plan>.docx in it; default:
                                  <plan>.docx in the current folder). For many:
                                  the output folder.
  -j, --jobs INTEGER RANGE        Processes rendering at once (many plans).
                                  [default: 1; 1<=x<=64]
  --profile NAME|FILE             Format profile: {profiles}, or a profile file.
  --template FILE                 A customized Word template to render with.
  --force                         Replace the output file if it exists.
  --parents                       Create the output folder if it is missing.
  --pdf                           Also write a PDF beside the .docx.
  --pdf-only                      Write only the PDF (-o may end in .pdf).
  --no-check                      Do not audit the rendered document (planforge
                                  check).
  --remove-invalid-chars          Remove characters a Word document cannot hold
                                  (with a warning) instead of refusing.
  --debug                         Show the Python traceback of an error.
  --lang [vi|en]                  language of messages: vi (tiếng Việt) or en;
                                  default: from the locale, LANG=vi_VN.UTF-8
                                  gives Vietnamese
  --help                          Show this message and exit.
"""


def test_help_in_english_is_the_codes_own_text() -> None:
    # Vietnamese first, in the same process: nothing of it stays (click makes `--help` once)
    assert planforge("check", "--help", env=VIETNAMESE).exit_code == 0
    assert generate("--help", env=VIETNAMESE).exit_code == 0
    assert planforge("--lang", "vi", "--help", env=ENGLISH).exit_code == 0
    result = planforge("check", "--help", env=ENGLISH)
    assert result.exit_code == 0
    assert result.stdout == CHECK_HELP
    result = planforge("--help", env=ENGLISH)
    assert result.stdout == PLANFORGE_HELP
    result = generate("--help", env=ENGLISH)
    # the profiles are those built in: compared with the wrapping left out
    expected = GENERATE_PLAN_HELP.format(profiles=", ".join(builtin_profiles()))
    assert flat(result.stdout) == flat(expected)
    assert result.stdout.splitlines()[:9] == expected.splitlines()[:9]
    assert planforge("--lang", "en", "check", "--help", env=VIETNAMESE).stdout == CHECK_HELP


# -- every help text is marked -------------------------------------------------------------------

#: Options shown without a help text (click shows their default and range only).
WITHOUT_HELP = {"planforge preview --dpi"}
#: The commands of the tree, besides the groups.
COMMANDS = {
    "generate-plan",
    *(
        f"planforge {name}"
        for name in (
            "template export",
            "template check",
            "new",
            "schema",
            "preview",
            "import",
            "reformat",
            "check",
            "profiles",
            "validate",
            "context",
            "render",
        )
    ),
}


def _tree(
    command: click.Command, name: str, parent: click.Context | None = None
) -> Iterator[tuple[click.Context, click.Command]]:
    ctx = click.Context(command, info_name=name, parent=parent)
    yield ctx, command
    if isinstance(command, click.Group):
        for sub in command.list_commands(ctx):
            subcommand = command.get_command(ctx, sub)
            assert subcommand is not None
            yield from _tree(subcommand, sub, ctx)


def _nodes() -> Iterator[tuple[str, click.Command | click.Parameter]]:
    """Every command of `planforge` and `generate-plan`, and every parameter of each (`--help`
    too), named as on the command line: `planforge template check --profile`."""
    for root, name in ((_cli.planforge, "planforge"), (_cli.generate_plan, "generate-plan")):
        for ctx, command in _tree(root, name):
            yield ctx.command_path, command
            for param in command.get_params(ctx):
                yield f"{ctx.command_path} {param.opts[0] if param.opts else param.name}", param


def _shown(language: str) -> dict[str, str | None]:
    """The help of each node as click reads it to show it, in *language*."""
    with using_language(language):
        return {key: node.help for key, node in _nodes()}


def test_every_help_text_of_the_command_line_is_marked_and_shown_translated() -> None:
    with CATALOG.open("rb") as file:
        translated = {m.id for m in read_po(file) if m.id and m.string}
    english, vietnamese = _shown("en"), _shown("vi")
    assert english.keys() >= COMMANDS
    unmarked, untranslated, without = [], [], []
    with using_language("en"):
        for key, node in _nodes():
            # the English written in the code, before any `{field}` of it is filled
            msgid = getattr(node, "help_msgid", node.help)
            if msgid is None:
                if not isinstance(node, click.Argument) and key not in WITHOUT_HELP:
                    without.append(key)
            elif msgid not in translated:
                unmarked.append(f"{key}: {msgid!r}")
            elif vietnamese[key] == english[key]:
                untranslated.append(f"{key}: {msgid!r}")
    assert not without, "commands and options without a help text:\n" + "\n".join(without)
    assert not unmarked, "help texts not in the catalog (mark them with N_):\n" + "\n".join(
        unmarked
    )
    assert not untranslated, "help texts shown in English in Vietnamese:\n" + "\n".join(
        untranslated
    )
    assert english["generate-plan --profile"] == (
        f"Format profile: {', '.join(builtin_profiles())}, or a profile file."
    )
