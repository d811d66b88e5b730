"""Helpers the corpus clients share: names, dates, amounts in minor units, and writers that give
byte-identical files for the same seed (fixed xlsx creation time, gzip mtime 0, fixed zip member times).

Amounts are drawn as integers (cents / kopecks) so every sum a test computes from the files is exact.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

FIXED_TIME = dt.datetime(2025, 1, 1, 9, 0, 0)
NBSP = "\u00a0"

_RU_ROOTS = [
    "Ромашка",
    "Вектор",
    "Альфа",
    "Северстрой",
    "Техномир",
    "Энергия",
    "Гранит",
    "Меридиан",
    "Лотос",
    "Квант",
    "Орион",
    "Стройдом",
    "Полюс",
    "Импульс",
    "Каскад",
    "Атлант",
    "Волга",
    "Нива",
    "Сфера",
    "Профиль",
    "База",
    "Ресурс",
    "Спектр",
    "Форвард",
    "Зенит",
    "Кедр",
    "Пульс",
    "Регион",
    "Магистраль",
    "Союз",
    "Вега",
    "Агат",
    "Байкал",
    "Восток",
    "Градус",
    "Держава",
    "Эталон",
    "Феникс",
    "Ирис",
    "Янтарь",
]
_RU_TAILS = ["", " Плюс", " Групп", " Трейд", " Сервис", "-М", " Снаб", " Про"]
_RU_FORMS = ["ООО", "АО", "ИП", "ООО", "ООО", "ПАО"]
_EN_ROOTS = [
    "Acme",
    "Blue Ridge",
    "Northwind",
    "Contoso",
    "Fabrikam",
    "Summit",
    "Pioneer",
    "Harbor",
    "Maple",
    "Redwood",
    "Silverline",
    "Granite",
    "Lakeside",
    "Evergreen",
    "Beacon",
    "Crescent",
    "Falcon",
    "Orchard",
    "Keystone",
    "Meridian",
    "Horizon",
    "Sterling",
    "Cobalt",
    "Atlas",
    "Juniper",
    "Riverside",
    "Vertex",
    "Oakmont",
    "Brightway",
    "Clearwater",
]
_EN_TAILS = [" Inc", " LLC", " Ltd", " Corp", " Group", " Co", " Partners", " Supply"]
RU_PEOPLE = [
    "Иванова Мария",
    "Петров Сергей",
    "Смирнов Алексей",
    "Кузнецова Ольга",
    "Соколов Дмитрий",
    "Попова Анна",
    "Лебедев Игорь",
    "Козлова Елена",
    "Новиков Павел",
    "Морозова Ирина",
]
EN_PEOPLE = [
    "Emma Johnson",
    "Liam Smith",
    "Olivia Brown",
    "Noah Davis",
    "Ava Miller",
    "James Wilson",
    "Sophia Moore",
    "Lucas Taylor",
    "Mia Anderson",
    "Ethan Thomas",
]


def ru_companies(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` distinct Russian company names such as ``ООО «Вектор Плюс»``."""
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        root = _RU_ROOTS[rng.integers(len(_RU_ROOTS))] + _RU_TAILS[rng.integers(len(_RU_TAILS))]
        form = _RU_FORMS[rng.integers(len(_RU_FORMS))]
        name = (
            f"ИП {RU_PEOPLE[rng.integers(len(RU_PEOPLE))].split()[0]} {root[:1]}."
            if form == "ИП"
            else f"{form} «{root}»"
        )
        if name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
    return out


def en_companies(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` distinct English company names such as ``Summit Supply``."""
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        name = _EN_ROOTS[rng.integers(len(_EN_ROOTS))] + _EN_TAILS[rng.integers(len(_EN_TAILS))]
        if len(seen) >= len(_EN_ROOTS) * len(_EN_TAILS) // 2:
            name += f" {len(out)}"
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def working_dates(rng: np.random.Generator, start: str, end: str, n: int) -> pd.DatetimeIndex:
    """``n`` sorted random weekdays in [start, end], every month of the range represented."""
    days = pd.bdate_range(start, end)
    months = days.to_period("M")
    first = [np.flatnonzero(months == m)[rng.integers((months == m).sum())] for m in months.unique()]
    rest = rng.integers(0, len(days), size=max(n - len(first), 0))
    picks = np.sort(np.concatenate([np.array(first, dtype=int), rest]))[:n]
    return days[np.sort(picks)]


def cents(rng: np.random.Generator, n: int, median: float, sigma: float = 0.9) -> np.ndarray:
    """``n`` positive amounts in minor units (int64), lognormal around ``median`` major units."""
    return np.maximum(np.round(rng.lognormal(np.log(median * 100), sigma, size=n)), 100).astype(np.int64)


def money_ru(c: int, *, sep: str = NBSP, decimal: str = ",") -> str:
    """Minor units as Russian money text: ``123450 -> "1 234,50"`` (``sep`` between thousands)."""
    sign = "-" if c < 0 else ""
    whole, frac = divmod(abs(int(c)), 100)
    return f"{sign}{whole:,}".replace(",", sep) + f"{decimal}{frac:02d}"


def money_plain(c: int, decimal: str = ",") -> str:
    """Minor units as ``1234,50`` (no thousands separator)."""
    sign = "-" if c < 0 else ""
    whole, frac = divmod(abs(int(c)), 100)
    return f"{sign}{whole}{decimal}{frac:02d}"


def write_csv(path: Path, frame: pd.DataFrame, *, sep: str = ",", encoding: str = "utf-8") -> None:
    """A CSV of text cells, ``\\n`` line ends."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, sep=sep, index=False, encoding=encoding, lineterminator="\n")


def csv_bytes(frame: pd.DataFrame, *, sep: str = ",", encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    frame.to_csv(buf, sep=sep, index=False, lineterminator="\n")
    return buf.getvalue().encode(encoding)


def write_gz(path: Path, data: bytes) -> None:
    """gzip with mtime 0 and no file name inside: same bytes every time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        gz.write(data)


def write_zip(path: Path, members: dict[str, bytes]) -> None:
    """A zip whose members carry a fixed time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> None:
    """An xlsx of ``{sheet: rows}``; a cell is written as its Python type (str, int/float, date,
    None = empty). Fixed creation time, so the bytes do not depend on when it was written."""
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_urls": False})
    book.set_properties({"created": FIXED_TIME})
    date_fmt = book.add_format({"num_format": "dd.mm.yyyy"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None or (isinstance(value, float) and np.isnan(value)):
                    continue
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif isinstance(value, dt.date | pd.Timestamp):
                    sheet.write_datetime(r, c, pd.Timestamp(value).to_pydatetime(), date_fmt)
                else:
                    sheet.write_number(r, c, float(value))
    book.close()


def frame_rows(frame: pd.DataFrame) -> list[list]:
    """Header + rows of a frame, for :func:`write_xlsx`."""
    return [list(frame.columns)] + [list(r) for r in frame.itertuples(index=False)]


def finish(folder: Path, engagement: dict, *, lang: str) -> Path:
    """What ``salesaudit new`` writes besides data/: engagement.yaml (here from ``engagement``),
    brand.yml, the logo and the interview questionnaire in ``lang``."""
    from salesaudit.audit.questionnaire import questionnaire_text
    from salesaudit.engine.templates import template_path

    (folder / "data").mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(engagement, allow_unicode=True, sort_keys=False, width=110)
    (folder / "engagement.yaml").write_text(text, encoding="utf-8")
    shutil.copyfile(template_path("brand.yml"), folder / "brand.yml")
    shutil.copyfile(template_path("logo.svg"), folder / "logo.svg")
    (folder / "questionnaire.yaml").write_text(questionnaire_text(lang), encoding="utf-8")
    return folder / "engagement.yaml"


def sales_lines(
    rng: np.random.Generator,
    *,
    start: str,
    end: str,
    n: int,
    clients: list[str],
    managers: list[str],
    median: float,
) -> pd.DataFrame:
    """Sales lines: ``date``, ``client``, ``manager`` (each client has one manager), ``cents``,
    ``doc`` (an invoice number shared by the lines of one client and day). Bigger clients buy more
    often (Zipf-like weights), every client buys at least once, every manager sells."""
    weights = 1.0 / np.arange(1, len(clients) + 1) ** 0.8
    who = rng.choice(len(clients), size=n, p=weights / weights.sum())
    who[: len(clients)] = np.arange(len(clients))  # everyone buys
    rng.shuffle(who)
    owner = {c: managers[i % len(managers)] for i, c in enumerate(clients)}
    dates = working_dates(rng, start, end, n)
    frame = pd.DataFrame(
        {
            "date": dates,
            "client": [clients[i] for i in who],
            "cents": cents(rng, n, median),
        }
    )
    frame["manager"] = frame["client"].map(owner)
    key = frame["date"].dt.strftime("%Y%m%d") + "|" + frame["client"]
    frame["doc"] = pd.factorize(key)[0] + 1001
    return frame
