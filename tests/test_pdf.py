"""What LibreOffice makes of the documents: pages, text, page numbers and the header's ink."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import unicodedata
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from planforge import load_plan, load_profile

from .conftest import EXAMPLES

pytestmark = pytest.mark.libreoffice

STEMS = ["thanh-hoa-2023", "phu-yen-2022"]
PROFILE_OF = {"thanh-hoa-2023": "nd30-2020", "phu-yen-2022": "hd36-2018"}
DPI = 50
DARK = 128  # a pixel darker than this is ink


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} (poppler-utils) is required under CI but is not installed")
        pytest.skip(f"{name} (poppler-utils) is not installed")
    return path


@pytest.fixture(scope="module")
def pdfs(rendered_examples: dict[str, Path], convert: Callable[..., list[Path]]) -> dict[str, Path]:
    """Both seed documents as PDF, through one LibreOffice run."""
    converted = convert([rendered_examples[s] for s in STEMS], "pdf")
    return dict(zip(STEMS, converted, strict=True))


def pdftotext(pdf: Path, *, first: int | None = None, last: int | None = None) -> str:
    args = [_tool("pdftotext"), "-layout", "-enc", "UTF-8"]
    if first is not None:
        args += ["-f", str(first)]
    if last is not None:
        args += ["-l", str(last)]
    result = subprocess.run(
        [*args, str(pdf), "-"], check=True, capture_output=True, text=True, timeout=60
    )
    return unicodedata.normalize("NFKC", result.stdout)


def flat(text: str) -> str:
    return " ".join(text.split())


def page_count(pdf: Path) -> int:
    return len(PdfReader(str(pdf)).pages)


# -- pages and text -------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", STEMS)
def test_page_count(pdfs: dict[str, Path], stem: str) -> None:
    assert 3 <= page_count(pdfs[stem]) <= 7


@pytest.mark.parametrize("stem", STEMS)
def test_text_has_title_date_and_signers(pdfs: dict[str, Path], stem: str) -> None:
    plan = load_plan(EXAMPLES / f"{stem}.yaml")
    text = flat(pdftotext(pdfs[stem]))
    assert "KẾ HOẠCH" in text
    assert " ".join(plan.title.summary) in text
    date = {
        "thanh-hoa-2023": "Thanh Hoá, ngày 03 tháng 3 năm 2023",
        "phu-yen-2022": "Phú Yên, ngày 23 tháng 02 năm 2022",
    }[stem]
    assert date in text
    for sig in plan.signatures:
        assert sig.signer in text
    first_page = flat(pdftotext(pdfs[stem], first=1, last=1))
    assert date in first_page and plan.title.summary[0] in first_page
    last_page = flat(pdftotext(pdfs[stem], first=page_count(pdfs[stem])))
    assert all(sig.signer in last_page for sig in plan.signatures), "names not on the last page"


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


@pytest.mark.parametrize("stem", STEMS)
def test_page_numbers_from_page_two_at_the_top(pdfs: dict[str, Path], stem: str) -> None:
    pdf = pdfs[stem]
    first = _first_line(pdftotext(pdf, first=1, last=1))
    assert not re.fullmatch(r"\d+", first), f"page 1 starts with a page number: {first!r}"
    issuer = load_plan(EXAMPLES / f"{stem}.yaml").issuers[0].name
    assert first.startswith(" ".join(issuer.split()[:3])), f"page 1 starts with {first!r}"
    for page in range(2, page_count(pdf) + 1):
        top = _first_line(pdftotext(pdf, first=page, last=page))
        assert top == str(page), f"page {page} starts with {top!r}"


# -- the ink of page 1 ----------------------------------------------------------------------------


@dataclass
class Image:
    width: int
    height: int
    gray: list[bytes]  # one row of 8-bit luminance per line

    def dark(self, x0: int, y0: int, x1: int, y1: int) -> int:
        """Dark pixels in the box [x0, x1) × [y0, y1)."""
        return sum(1 for row in self.gray[y0:y1] for v in row[x0:x1] if v < DARK)


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def read_png(path: Path) -> Image:
    """A small decoder for the 8-bit, non-interlaced PNGs pdftoppm writes (zlib only)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    header: tuple[int, ...] = ()
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    width, height, depth, color, _comp, _filter, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[color]
    assert depth == 8 and interlace == 0, (depth, interlace)
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = prev[i]
            corner = prev[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                line[i] = (line[i] + _paeth(left, up, corner)) & 0xFF
        prev = line
        if channels == 1:
            rows.append(bytes(line))
        else:
            rows.append(
                bytes(
                    (299 * line[i] + 587 * line[i + 1] + 114 * line[i + 2]) // 1000
                    if channels >= 3
                    else line[i]
                    for i in range(0, stride, channels)
                )
            )
    return Image(width, height, rows)


@pytest.fixture(scope="module")
def page_images(
    pdfs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[Image]]:
    """Pages 1 and 2 of each document at 50 dpi (page 2 is the control for the page number)."""
    out = tmp_path_factory.mktemp("png")
    tool = _tool("pdftoppm")
    images = {}
    for stem, pdf in pdfs.items():
        prefix = out / stem
        subprocess.run(
            [tool, "-r", str(DPI), "-png", "-f", "1", "-l", "2", str(pdf), str(prefix)],
            check=True,
            capture_output=True,
            timeout=60,
        )
        files = sorted(out.glob(f"{stem}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        assert len(files) == 2, files
        images[stem] = [read_png(f) for f in files]
    return images


def px(mm: float) -> int:
    return round(mm * DPI / 25.4)


@pytest.mark.parametrize("stem", STEMS)
def test_page_one_has_the_header_in_both_columns_and_no_number_above_it(
    page_images: dict[str, list[Image]], stem: str
) -> None:
    page = load_profile(PROFILE_OF[stem]).page
    one, two = page_images[stem]
    assert abs(one.width - px(page.width_mm)) <= 1 and abs(one.height - px(page.height_mm)) <= 1
    # the header block: just under the top margin, ink in the left and in the right half
    top = px(page.margin_top_mm)
    band = (top, top + px(25))
    middle = one.width // 2
    left = one.dark(px(page.margin_left_mm), band[0], middle, band[1])
    right = one.dark(middle, band[0], one.width - px(page.margin_right_mm), band[1])
    assert left > 50, f"no header ink at the left ({left} dark pixels)"
    assert right > 50, f"no header ink at the right ({right} dark pixels)"
    # the top margin of page 1, across the text width, is blank: no page number there
    margin_box = (
        px(page.margin_left_mm),
        px(2),
        one.width - px(page.margin_right_mm),
        top - px(1),
    )
    assert one.dark(*margin_box) == 0, "page 1 has ink in its top margin (a page number?)"
    # control: page 2 has its number there, centred
    assert two.dark(*margin_box) > 0, "page 2 has no page number in its top margin"
    centre = (middle - px(15), px(2), middle + px(15), top - px(1))
    assert two.dark(*centre) == two.dark(*margin_box), "page 2's number is not centred"


def test_png_decoder_reads_filters(tmp_path: Path) -> None:
    # a 3×2 RGB image written with Sub and Paeth filters decodes to the right luminance
    pixels = [[(0, 0, 0), (255, 255, 255), (10, 10, 10)], [(255, 255, 255), (0, 0, 0), (200, 0, 0)]]
    raw = b""
    for n, row in enumerate(pixels):
        flat_row = bytes(v for pixel in row for v in pixel)
        if n == 0:  # Sub
            out = bytearray(flat_row)
            for i in range(len(out) - 1, 2, -1):
                out[i] = (flat_row[i] - flat_row[i - 3]) & 0xFF
            raw += b"\x01" + bytes(out)
        else:  # Paeth
            prev = bytes(v for pixel in pixels[0] for v in pixel)
            out = bytearray(len(flat_row))
            for i in range(len(flat_row)):
                a = flat_row[i - 3] if i >= 3 else 0
                c = prev[i - 3] if i >= 3 else 0
                out[i] = (flat_row[i] - _paeth(a, prev[i], c)) & 0xFF
            raw += b"\x04" + bytes(out)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 3, 2, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    path = tmp_path / "t.png"
    path.write_bytes(png)
    image = read_png(path)
    assert image.gray == [bytes([0, 255, 10]), bytes([255, 0, 59])]
    assert image.dark(0, 0, 3, 2) == 4
