"""Make `so-vhttdl.docx`: the default state template as a Sở would customize it.

What an office does in Word, done in code so it is reproducible: a letterhead with the Sở's
logo in the first page's header, a contact line in the first page's footer, 13 pt body text,
and an extra line under the signatures. Run: python examples/templates/make_so_template.py
"""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

HERE = Path(__file__).resolve().parent


def logo_png(size: int = 96) -> bytes:
    """A round red emblem with a yellow star, drawn pixel by pixel (no imaging library)."""
    c = size / 2
    rows = []
    for y in range(size):
        row = bytearray([0])  # PNG filter: none
        for x in range(size):
            dx, dy = x - c + 0.5, y - c + 0.5
            r2 = dx * dx + dy * dy
            star = abs(dx) + abs(dy) < size * 0.22 or (abs(dx) < size * 0.06 and abs(dy) < 0.3 * size)
            if r2 > c * c:
                row += bytes((255, 255, 255))
            elif star:
                row += bytes((255, 205, 0))
            else:
                row += bytes((200, 16, 46))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "planforge", "template", "export", tmp], check=True
        )
        doc = Document(str(Path(tmp) / "nd30-2020.docx"))
    for name in ("PF Body", "PF Part Heading", "PF Item Heading"):
        doc.styles[name].font.size = Pt(13)
    section = doc.sections[0]
    letterhead = section.first_page_header.paragraphs[0]
    letterhead.alignment = WD_ALIGN_PARAGRAPH.LEFT
    letterhead.add_run().add_picture(io.BytesIO(logo_png()), width=Mm(14))
    run = letterhead.add_run("  SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH")
    run.font.size = Pt(10)
    run.font.bold = True
    footer = section.first_page_footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    contact = footer.add_run("Địa chỉ: 01 Đường Hùng Vương · Điện thoại: 0257 3 800 000")
    contact.font.size = Pt(9)
    contact.font.italic = True
    # an extra line after the signatures and recipients, before the end of the document
    note = doc.add_paragraph("Văn bản này được ký số và gửi qua hệ thống quản lý văn bản.")
    note.style = doc.styles["PF Recipient"]
    note.runs[0].font.italic = True
    target = HERE / "so-vhttdl.docx"
    doc.save(str(target))
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
