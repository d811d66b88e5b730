"""Writes ``tests/data/1c_report.xls``: a BIFF8 (Excel 97-2003) workbook shaped like a 1C sales report.

Not run by the tests (xlwt writes the legacy format and is not a dependency); kept so the fixture
can be remade: ``pip install xlwt && python scripts/make_xls_fixture.py``. The same report as the
corpus's ``_report_1c`` xlsx: two title rows, a two-row header with merged cells, real date and
number cells, a negative line (a return), an Итого row; plus a fourth line whose amount 1C wrote as
text with a space and a decimal comma, and a line without a date.
"""

import datetime as dt
from pathlib import Path

import xlwt

book = xlwt.Workbook(encoding="utf-8")
ws = book.add_sheet("Продажи")
bold = xlwt.easyxf("font: bold on")
date = xlwt.easyxf(num_format_str="dd.mm.yyyy")
ws.write(0, 0, "Продажи за период 01.01.2026 - 31.01.2026", bold)
ws.write(1, 0, "Отбор: Организация = ООО «Тест»")
ws.write_merge(3, 4, 0, 0, "Дата", bold)  # merged down over both header rows
ws.write_merge(3, 4, 1, 1, "Клиент", bold)
ws.write_merge(3, 3, 2, 3, "Продажи", bold)  # merged across the two money columns
ws.write(4, 2, "Количество", bold)
ws.write(4, 3, "Сумма", bold)
rows = [
    (dt.datetime(2026, 1, 12), "ООО «Ромашка»", 3, 1500.5),
    (dt.datetime(2026, 1, 13), "ИП Петров", 1, 99.0),
    (dt.datetime(2026, 1, 14), "АО Лютик", 2, -40.0),
    (dt.datetime(2026, 1, 15), "ООО «Ромашка»", 1, "1 234,50"),
    (None, "ИП Петров", 1, 10.0),
]
for i, (day, client, qty, amount) in enumerate(rows):
    if day is not None:
        ws.write(5 + i, 0, day, date)
    ws.write(5 + i, 1, client)
    ws.write(5 + i, 2, qty)
    ws.write(5 + i, 3, amount)
ws.write(10, 0, "Итого")
ws.write(10, 3, 2803.5)
book.save(str(Path(__file__).resolve().parent.parent / "tests" / "data" / "1c_report.xls"))
