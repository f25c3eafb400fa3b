"""Build a small plan in Python and render it to a Word document.

A single-issuer state plan (laid out by Nghị định 30/2020/NĐ-CP): two parts, one item with
its lead units, coordinating units and timeline, a deputy's signature and a recipients list.

Usage:
    python examples/build_plan.py [OUTPUT.docx]

Without an argument the document is written to `build_plan.docx` in the current folder.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from planforge import (
    Authority,
    DocumentNumber,
    Issuer,
    Item,
    Part,
    Plan,
    Recipient,
    Recipients,
    SignatureBlock,
    Task,
    Title,
    render_plan,
)


def build_plan() -> Plan:
    """A 2024 plan of a provincial Department of Culture, Sports and Tourism."""
    return Plan(
        issuers=[
            Issuer(
                name="SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH",
                parent="UBND TỈNH THANH HÓA",
                kind="state",
                abbreviation="SVHTTDL",
            )
        ],
        number=DocumentNumber(number=12, type="KH"),
        place="Thanh Hóa",
        date=dt.date(2024, 3, 15),
        title=Title(
            summary=[
                "Tổ chức các hoạt động văn hóa, thể thao",
                "chào mừng ngày Giải phóng miền Nam, thống nhất đất nước năm 2024",
            ]
        ),
        preamble=[
            "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh, Sở Văn hóa, Thể thao và Du lịch "
            "xây dựng Kế hoạch tổ chức các hoạt động văn hóa, thể thao năm 2024 như sau:"
        ],
        parts=[
            Part(
                title="MỤC ĐÍCH, YÊU CẦU",
                items=[
                    Item(
                        text=[
                            "Tuyên truyền sâu rộng ý nghĩa lịch sử của ngày Giải phóng "
                            "miền Nam, thống nhất đất nước."
                        ]
                    ),
                    Item(text=["Các hoạt động tổ chức thiết thực, an toàn, tiết kiệm."]),
                ],
            ),
            Part(
                title="NỘI DUNG VÀ TỔ CHỨC THỰC HIỆN",
                items=[
                    Item(
                        title="Chương trình nghệ thuật chào mừng",
                        text=[
                            "Tổ chức chương trình nghệ thuật tại Quảng trường Lam Sơn "
                            "vào tối ngày 29/4/2024."
                        ],
                        task=Task(
                            lead=["Nhà hát Nghệ thuật truyền thống tỉnh"],
                            coordinating=["Trung tâm Văn hóa tỉnh", "Công an tỉnh"],
                            timeline="Tháng 4/2024",
                        ),
                    ),
                    Item(
                        title="Giải chạy việt dã truyền thống",
                        items=[
                            Item(text=["Ban hành điều lệ giải trước ngày 01/4/2024."]),
                            Item(text=["Tổ chức giải và trao giải vào ngày 28/4/2024."]),
                        ],
                    ),
                ],
            ),
        ],
        closing=[
            "Trong quá trình thực hiện, nếu có vướng mắc, các đơn vị báo cáo về "
            "Sở Văn hóa, Thể thao và Du lịch để xem xét, giải quyết./."
        ],
        signatures=[
            SignatureBlock(
                authority=[Authority(type="deputy", of="GIÁM ĐỐC")],
                position="PHÓ GIÁM ĐỐC",
                signer="Nguyễn Văn A",
            )
        ],
        recipients=Recipients(
            to=[
                Recipient(name="UBND tỉnh", marker="b/c"),
                Recipient(name="Các phòng, đơn vị thuộc Sở"),
                Recipient(name="UBND các huyện, thị xã, thành phố"),
            ],
            archive=["VT", "Phòng QLVH"],
        ),
    )


def main() -> None:
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd() / "build_plan.docx"
    render_plan(build_plan(), output)
    print(output)


if __name__ == "__main__":
    main()
