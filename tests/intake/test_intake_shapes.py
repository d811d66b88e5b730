"""Issue 12: the shapes of client files (``.gz``, ``.zip``, folders), open deals without an amount,
and wrong settings caught (a mapped optional column missing, a wrong delimiter, a date or number format
that rejects too much).

Every expected figure is computed here from the rows the test writes, never copied from a run.
"""

from __future__ import annotations

import gzip
import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from salesaudit.engine import config
from salesaudit.engine.config import ReadOptions
from salesaudit.engine.templates import template_path
from salesaudit.exceptions import ConfigError, DataError, InputFileError
from salesaudit.intake import sources
from salesaudit.intake.canonical import read_engagement
from salesaudit.intake.readers import read_raw
from salesaudit.weekly.pipeline import pipeline_coverage, weighted_pipeline

COLUMNS = {"date": "Дата", "client_id": "Клиент", "amount": "Сумма"}
READ = {"date_format": "%d.%m.%Y", "decimal": ","}


def _csv(rows: list[tuple[str, str, str]], sep: str = ";") -> str:
    return "Дата;Клиент;Сумма\n".replace(";", sep) + "".join(sep.join(r) + "\n" for r in rows)


def _month(month: int, n: int, *, bad: int = 0) -> list[tuple[str, str, str]]:
    """``n`` sales lines of 2025-``month``, the last ``bad`` of them with an amount that is no number."""
    rows = [
        (f"{d % 28 + 1:02d}.{month:02d}.2025", f"ООО «Ромашка-{d % 7}»", f"{100 + d},50") for d in range(n)
    ]
    return rows[: n - bad] + [(r[0], r[1], "н/д") for r in rows[n - bad :]]


def _xlsx(rows: list[tuple[str, str, str]]) -> bytes:
    frame = pd.DataFrame(rows, columns=list(COLUMNS.values()))
    buf = io.BytesIO()
    frame.to_excel(buf, index=False)
    return buf.getvalue()


def _engagement(folder: Path, sales: dict, files: dict[str, bytes], **extra) -> Path:
    (folder / "data").mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / "data" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    eng = {
        "client": {"name": "T"},
        "as_of": "2026-11-25",
        "inputs": {"sales": {"columns": COLUMNS, "read": READ, **sales}},
        "plan": {"year": 2026, "target": 1000000},
        **extra,
    }
    (folder / "engagement.yaml").write_text(yaml.safe_dump(eng, allow_unicode=True), encoding="utf-8")
    shutil.copyfile(template_path("brand.yml"), folder / "brand.yml")
    shutil.copyfile(template_path("logo.svg"), folder / "logo.svg")
    (folder / "questionnaire.yaml").write_text("{}\n", encoding="utf-8")
    return folder


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return buf.getvalue()


def _accounting(intake) -> dict[str, tuple[int, int, int]]:
    acc = intake.accounting
    return {
        f: (int(r), int(u), int(j))
        for f, r, u, j in zip(
            acc["file"], acc["rows_read"], acc["rows_used"], acc["rows_rejected"], strict=True
        )
    }


def _snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.read_bytes())
        for p in folder.rglob("*")
        if p.is_file()
    }


# ------------------------------------------------------------------------------------------------
# .gz, .zip, folders


def test_a_gzipped_csv_and_workbook_read_like_the_plain_files(tmp_path):
    jan, feb = _month(1, 30, bad=2), _month(2, 20)
    files = {
        "jan.csv.gz": gzip.compress(_csv(jan).encode("cp1251"), mtime=0),
        "feb.xlsx.gz": gzip.compress(_xlsx(feb), mtime=0),
        "jan.csv": _csv(jan).encode("cp1251"),
    }
    packed = _engagement(tmp_path / "gz", {"files": ["data/jan.csv.gz", "data/feb.xlsx.gz"]}, files)
    plain = _engagement(tmp_path / "plain", {"files": ["data/jan.csv"]}, files)
    intake = read_engagement(config.load(packed))
    assert _accounting(intake) == {"jan.csv.gz": (30, 28, 2), "feb.xlsx.gz": (20, 20, 0)}
    sales = intake.tables["sales"]
    expected = [float(a.replace(",", ".")) for _, _, a in jan[:28] + feb]
    assert sales["amount"].tolist() == pytest.approx(expected)
    assert set(intake.rejected["file"]) == {"jan.csv.gz"}
    assert sorted(intake.rejected["row"]) == [30, 31]  # the lines as the user sees them once unpacked
    reference = read_engagement(config.load(plain)).tables["sales"]
    jan_rows = sales[sales["_file"] == "jan.csv.gz"]
    assert jan_rows["amount"].tolist() == reference["amount"].tolist()
    assert jan_rows["_row"].tolist() == reference["_row"].tolist()


def test_a_zip_of_months_counts_every_member_as_a_file(tmp_path):
    months = {
        "2025-01.csv": _csv(_month(1, 12, bad=1)).encode(),
        "sub/2025-02.xlsx": _xlsx(_month(2, 8)),
        "2025-03.csv": _csv(_month(3, 5, bad=2)).encode("cp1251"),
        "__MACOSX/._2025-01.csv": b"\x00\x05\x16\x07junk",
        "readme.pdf": b"%PDF-1.4",
        "folder/": b"",
    }
    folder = _engagement(tmp_path / "e", {"files": ["data/archive.zip"]}, {"archive.zip": _zip(months)})
    before = _snapshot(folder)
    intake = read_engagement(config.load(folder))
    assert _accounting(intake) == {
        "archive.zip:2025-01.csv": (12, 11, 1),
        "archive.zip:sub/2025-02.xlsx": (8, 8, 0),
        "archive.zip:2025-03.csv": (5, 3, 2),
    }
    for _, (read, used, rejected) in _accounting(intake).items():
        assert read == used + rejected
    rej = intake.rejected
    assert rej.groupby("file")["row"].apply(sorted).to_dict() == {
        "archive.zip:2025-01.csv": [13],
        "archive.zip:2025-03.csv": [5, 6],
    }
    assert intake.tables["sales"]["_file"].value_counts().to_dict() == {
        "archive.zip:2025-01.csv": 11,
        "archive.zip:sub/2025-02.xlsx": 8,
        "archive.zip:2025-03.csv": 3,
    }
    assert _snapshot(folder) == before  # nothing unpacked next to the archive, nothing changed


def test_members_picks_some_of_an_archive(tmp_path):
    archive = _zip(
        {
            "a.csv": _csv(_month(1, 4)).encode(),
            "b.CSV": _csv(_month(2, 3)).encode(),
            "c.xlsx": _xlsx(_month(3, 2)),
        }
    )
    folder = _engagement(tmp_path / "e", {"files": ["data/x.zip"], "members": "*.csv"}, {"x.zip": archive})
    intake = read_engagement(config.load(folder))
    assert list(_accounting(intake)) == ["x.zip:a.csv", "x.zip:b.CSV"]  # case ignored, archive order
    assert len(intake.tables["sales"]) == 7


def test_members_without_an_archive_is_a_setting_error(tmp_path):
    spec = {"files": ["data/s.csv"], "members": "*.csv"}
    folder = _engagement(tmp_path / "e", spec, {"s.csv": _csv(_month(1, 3)).encode()})
    with pytest.raises(ConfigError, match="no .zip is listed") as err:
        read_engagement(config.load(folder))
    assert err.value.key == "inputs.sales.members"


def test_a_folder_is_its_readable_files_in_name_order(tmp_path):
    files = {
        "months/2025-02.csv": _csv(_month(2, 3)).encode(),
        "months/2025-01.csv.gz": gzip.compress(_csv(_month(1, 2)).encode(), mtime=0),
        "months/2025-03.zip": _zip({"m.csv": _csv(_month(3, 4)).encode()}),
        "months/~$2025-04.xlsx": b"lock",
        "months/.hidden.csv": b"junk",
        "months/notes.docx": b"PK\x03\x04",
        "months/old/2024-12.csv": _csv(_month(12, 9)).encode(),  # subfolders are not entered
    }
    folder = _engagement(tmp_path / "e", {"files": ["data/months/"]}, files)
    assert [p.name for p in config.load(folder).input_files("sales")] == [
        "2025-01.csv.gz",
        "2025-02.csv",
        "2025-03.zip",
    ]
    intake = read_engagement(config.load(folder))
    assert _accounting(intake) == {
        "2025-01.csv.gz": (2, 2, 0),
        "2025-02.csv": (3, 3, 0),
        "2025-03.zip:m.csv": (4, 4, 0),
    }


def test_a_file_listed_twice_is_read_once_and_a_glob_skips_lock_files(tmp_path):
    files = {"s.xlsx": _xlsx(_month(1, 3)), "~$s.xlsx": b"lock"}
    folder = _engagement(tmp_path / "e", {"files": ["data/*.xlsx", "data/s.xlsx", "data/"]}, files)
    assert [p.name for p in config.load(folder).input_files("sales")] == ["s.xlsx"]


def test_an_empty_folder_is_a_config_error(tmp_path):
    folder = _engagement(tmp_path / "e", {"files": ["data/none/"]}, {"none/notes.txt.bak": b"x"})
    with pytest.raises(ConfigError, match="folder holds no readable file") as err:
        config.load(folder)
    assert err.value.key == "inputs.sales.files"


@pytest.mark.parametrize(
    ("name", "content", "members", "message"),
    [
        ("x.zip", _zip({"a.pdf": b"%PDF", "b.docx": b"PK"}), None, "no readable member"),
        ("x.zip", _zip({"a.csv": b"a;b\n1;2\n"}), "*.xlsx", "no member matching '\\*.xlsx'"),
        ("x.zip", b"PK\x03\x04 not really", None, "not a readable ZIP archive"),
        (
            "x.csv.gz",
            gzip.compress(_csv(_month(1, 50)).encode(), mtime=0)[:60],
            None,
            "not a readable gzip file",
        ),
        ("x.csv.gz", _csv(_month(1, 3)).encode(), None, "not gzip-compressed"),
        ("x.csv", gzip.compress(_csv(_month(1, 3)).encode(), mtime=0), None, "gzip archive"),
    ],
)
def test_broken_archives_give_one_message_naming_the_file(tmp_path, name, content, members, message):
    spec = {"files": [f"data/{name}"], **({"members": members} if members else {})}
    folder = _engagement(tmp_path / "e", spec, {name: content})
    with pytest.raises(InputFileError, match=message) as err:
        read_engagement(config.load(folder))
    assert name in err.value.file
    if members:
        assert "inputs.sales.members" in err.value.hint


def test_absurdly_large_content_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_UNCOMPRESSED", 1000)
    big = _csv(_month(1, 200)).encode()
    assert len(big) > 1000
    folder = _engagement(tmp_path / "e", {"files": ["data/x.zip"]}, {"x.zip": _zip({"a.csv": big})})
    with pytest.raises(InputFileError, match="unpacks to more than") as err:
        read_engagement(config.load(folder))
    assert err.value.file.endswith("x.zip:a.csv")
    gz = _engagement(tmp_path / "g", {"files": ["data/x.csv.gz"]}, {"x.csv.gz": gzip.compress(big, mtime=0)})
    with pytest.raises(InputFileError, match="unpacks to more than"):
        read_engagement(config.load(gz))


class _Cp866Name(zipfile.ZipInfo):
    def _encodeFilenameFlags(self):  # noqa: N802 (zipfile's name)
        return self.filename.encode("cp866"), self.flag_bits & ~0x800


def test_zip_member_names_from_windows_archivers_read_as_cp866(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:  # cp866 without the UTF-8 flag, as Windows archivers store it
        zf.writestr(_Cp866Name("Продажи.csv"), _csv(_month(1, 2)).encode())
    path = tmp_path / "x.zip"
    path.write_bytes(buf.getvalue())
    assert [s.shown for s in sources.sources_of(path)] == ["Продажи.csv"]
    assert len(read_raw(sources.sources_of(path)[0], options=ReadOptions(**READ))) == 2


# ------------------------------------------------------------------------------------------------
# Open deals without an amount


DEALS = (
    "ID;Ответственный;Бюджет;Этап;Дата закрытия;Клиент\n"
    "1;Иванов;1000;Успешно реализовано;10.11.2026;К1\n"
    "2;Иванов;;Успешно реализовано;12.11.2026;К2\n"
    "3;Петров;;Переговоры;;К3\n"
    "4;Петров;500;Переговоры;;К4\n"
    "5;Петров;;Закрыто и не реализовано;01.11.2026;К5\n"
)


def test_open_deals_without_an_amount_stay_in_the_pipeline(tmp_path):
    deal = {
        "deal_id": "ID",
        "manager": "Ответственный",
        "amount": "Бюджет",
        "stage": "Этап",
        "client_id": "Клиент",
    }
    stages = {"won_stages": ["Успешно реализовано"], "lost_stages": ["Закрыто и не реализовано"]}
    inputs = {
        "sales": {
            "files": ["data/deals.csv"],
            "columns": {"date": "Дата закрытия", "client_id": "Клиент", "amount": "Бюджет", "status": "Этап"},
            "read": {"date_format": "%d.%m.%Y"},
            **stages,
        },
        "pipeline": {
            "files": ["data/deals.csv"],
            "columns": {**deal, "closed": "Дата закрытия"},
            "read": {"date_format": "%d.%m.%Y"},
            **stages,
        },
    }
    folder = _engagement(tmp_path / "e", {"files": ["data/deals.csv"]}, {"deals.csv": DEALS.encode()})
    raw = yaml.safe_load((folder / "engagement.yaml").read_text(encoding="utf-8"))
    raw["inputs"] = inputs
    (folder / "engagement.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    intake = read_engagement(config.load(folder))
    pipeline = intake.tables["pipeline"]
    assert pipeline["deal_id"].tolist() == ["1", "2", "3", "4", "5"]  # every deal, priced or not
    assert np.isnan(pipeline["amount"].to_numpy()[[1, 2, 4]]).all()
    assert pipeline["status"].tolist() == ["won", "won", "open", "open", "lost"]
    sales = intake.tables["sales"]
    assert sales["amount"].tolist() == [1000.0]  # a won deal used as a sale still needs its amount
    rej = intake.rejected
    assert rej[["table", "row", "reason_code"]].values.tolist() == [["sales", 3, "empty"]]
    acc = intake.accounting.set_index("table")
    assert acc.loc["pipeline", ["rows_read", "rows_used", "rows_rejected"]].tolist() == [5, 5, 0]
    assert acc.loc["sales", ["rows_read", "rows_used", "rows_rejected"]].tolist() == [
        2,
        1,
        1,
    ]  # the won deals

    weighted = weighted_pipeline(pipeline, stage_probability={"Переговоры": 0.5}).set_index("level")
    dept = weighted.loc["department"]
    assert (dept["deals"], dept["amount"], dept["weighted"], dept["deals_without_amount"]) == (
        2,
        500.0,
        250.0,
        1,
    )


def test_coverage_counts_unpriced_deals_but_adds_no_money():
    tracking = pd.DataFrame(
        {
            "level": ["manager", "manager", "department"],
            "manager": pd.Series(["Ann", "Bob", None], dtype="str"),
            "month_plan": [1000.0, 1000.0, 2000.0],
            "mtd_fact": [0.0, 0.0, 0.0],
            "reference_day": pd.Timestamp("2026-04-12"),
        }
    )
    deals = pd.DataFrame(
        {
            "deal_id": ["1", "2", "3", "4"],
            "manager": ["Ann", "Ann", "Bob", "Bob"],
            "amount": [300.0, np.nan, np.nan, 100.0],
            "stage": "proposal",
            "expected_close": pd.to_datetime(["2026-04-20", "2026-04-21", "2026-04-22", "2026-05-05"]),
        }
    )
    out = pipeline_coverage(deals, tracking=tracking, win_rate=0.5).set_index("level", append=True)
    assert out["pipeline_amount"].tolist() == [300.0, 0.0, 300.0]  # deal 4 closes next month
    assert out["deals_without_amount"].tolist() == [1, 1, 2]
    assert out["coverage"].tolist() == pytest.approx([0.3, 0.0, 0.15])


# ------------------------------------------------------------------------------------------------
# Wrong settings caught


def test_a_mapped_optional_column_missing_fails_like_a_required_one(tmp_path):
    columns = {**COLUMNS, "manager": "Менеджр"}
    sales = "Дата;Клиент;Сумма;Менеджер\n01.02.2025;К;1,5;Иванов\n"
    folder = _engagement(
        tmp_path / "e", {"files": ["data/s.csv"], "columns": columns}, {"s.csv": sales.encode()}
    )
    with pytest.raises(InputFileError, match="mapped column for 'manager' is not in the file") as err:
        read_engagement(config.load(folder))
    assert err.value.key == "inputs.sales.columns.manager"
    assert "columns in the file: Дата, Клиент, Сумма, Менеджер" in err.value.hint
    assert "did you mean 'Менеджер'" in err.value.hint


def test_a_presets_optional_columns_may_be_absent(tmp_path):
    sales = "Период;Контрагент;Сумма\n01.02.2025;К;1 000,50\n02.02.2025;Л;7\n"
    spec = {"files": ["data/s.csv"], "preset": "1c", "columns": {"date": "Период"}}
    folder = _engagement(tmp_path / "e", spec, {"s.csv": sales.encode()})
    raw = yaml.safe_load((folder / "engagement.yaml").read_text(encoding="utf-8"))
    del raw["inputs"]["sales"]["read"]
    raw["inputs"]["sales"]["columns"] = {"date": "Период"}
    (folder / "engagement.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    sales = read_engagement(config.load(folder)).tables["sales"]
    assert sales["amount"].tolist() == [1000.5, 7.0]
    assert "manager" not in sales and "margin" not in sales


@pytest.mark.parametrize(
    ("sep", "configured", "shown"), [(";", ",", ";"), ("\t", ";", "\\t"), (",", ";", ",")]
)
def test_a_header_read_as_one_column_suggests_the_delimiter(tmp_path, sep, configured, shown):
    text = "Отчёт о продажах\n" + _csv(_month(1, 3), sep=sep)
    spec = {"files": ["data/s.csv"], "read": {**READ, "delimiter": configured}}
    folder = _engagement(tmp_path / "e", spec, {"s.csv": text.encode()})
    with pytest.raises(InputFileError, match=r"header does not read with delimiter .* splits line 2") as err:
        read_engagement(config.load(folder))
    assert err.value.hint == f'set inputs.sales.read.delimiter: "{shown}" in engagement.yaml'
    assert err.value.key == "inputs.sales.read.delimiter"


def test_a_one_column_table_is_no_delimiter_problem(tmp_path):
    spec = {"files": ["data/s.csv"], "read": {**READ, "delimiter": ";"}}
    managers = "Менеджер\nИванов, старший\nПетров\n"
    folder = _engagement(
        tmp_path / "e", spec, {"s.csv": _csv(_month(1, 3)).encode(), "m.csv": managers.encode()}
    )
    raw = yaml.safe_load((folder / "engagement.yaml").read_text(encoding="utf-8"))
    raw["inputs"]["managers"] = {
        "files": ["data/m.csv"],
        "columns": {"manager": "Менеджер"},
        "read": {"delimiter": ";"},
    }
    (folder / "engagement.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    managers = read_engagement(config.load(folder)).tables["managers"]
    assert managers["manager"].tolist() == ["Иванов, старший", "Петров"]


def test_a_wrong_date_format_rejecting_too_many_rows_stops_intake(tmp_path):
    rows = _month(1, 40)  # day 01..28: "%m.%d.%Y" reads days 1-12 (wrongly) and rejects the rest
    bad = [r for r in rows if int(r[0][:2]) > 12]
    spec = {"files": ["data/s.csv"], "read": {**READ, "date_format": "%m.%d.%Y"}}
    folder = _engagement(tmp_path / "e", spec, {"s.csv": _csv(rows).encode()})
    with pytest.raises(DataError) as err:
        read_engagement(config.load(folder))
    exc = err.value
    assert exc.key == "inputs.sales.read.date_format"
    assert exc.column == "Дата"
    share = f"{len(bad) / len(rows):.1%}".replace("%", " %")
    assert f"read.date_format '%m.%d.%Y' rejects {share} of the rows" in exc.message
    assert f"({len(bad)} of {len(rows)})" in exc.message
    assert repr(bad[0][0]) in exc.message and repr(bad[1][0]) in exc.message  # two rejected values
    assert "'%d.%m.%Y'" in exc.hint  # what the values do read as


def test_a_format_rejecting_few_rows_but_much_revenue_stops_intake(tmp_path):
    rows = [(f"{d % 28 + 1:02d}.01.2025", "К", "10") for d in range(100)]
    for i in range(5):  # 5 % of the rows (not above the bound), most of the money
        rows[i] = ("2025-01-15", "К", "100000")
    spec = {"files": ["data/s.csv"]}
    folder = _engagement(tmp_path / "e", spec, {"s.csv": _csv(rows).encode()})
    with pytest.raises(DataError, match="of the revenue") as err:
        read_engagement(config.load(folder))
    share = 5 * 100000 / (5 * 100000 + 95 * 10)
    assert f"and {share:.1%} of the revenue".replace("%", " %") in err.value.message
    # the same rows within the bound once it is raised: read, and listed as rejected
    raw = yaml.safe_load((folder / "engagement.yaml").read_text(encoding="utf-8"))
    raw["intake"] = {"max_rejected_share": 0.999}
    (folder / "engagement.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    intake = read_engagement(config.load(folder))
    assert _accounting(intake) == {"s.csv": (100, 95, 5)}


def test_a_wrong_decimal_mark_is_named_with_the_right_one(tmp_path):
    rows = [(f"{d + 1:02d}.01.2025", "К", f"{d},5" if d % 2 else f"{d}") for d in range(20)]
    spec = {"files": ["data/s.csv"], "read": {**READ, "decimal": "."}}
    folder = _engagement(tmp_path / "e", spec, {"s.csv": _csv(rows).encode()})
    with pytest.raises(DataError, match="read.decimal '.' rejects") as err:
        read_engagement(config.load(folder))
    assert err.value.key == "inputs.sales.read.decimal"
    assert "decimal mark ','" in err.value.hint


def test_a_few_bad_cells_stay_rejected_rows(tmp_path):
    rows = _month(1, 100, bad=4)  # 4 % of the rows, 4 of them
    folder = _engagement(tmp_path / "e", {"files": ["data/s.csv"]}, {"s.csv": _csv(rows).encode()})
    intake = read_engagement(config.load(folder))
    assert _accounting(intake) == {"s.csv": (100, 96, 4)}


def test_validate_exits_1_on_a_wrong_date_format(tmp_path):
    spec = {"files": ["data/s.csv"], "read": {**READ, "date_format": "%m.%d.%Y"}}
    folder = _engagement(tmp_path / "e", spec, {"s.csv": _csv(_month(1, 40)).encode()})
    result = subprocess.run(
        [sys.executable, "-m", "salesaudit", "validate", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "read.date_format '%m.%d.%Y' rejects" in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
