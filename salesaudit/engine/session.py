"""What a notebook opens first: the engagement, its canonical tables, its language.

``open_engagement("demo")`` gives the built-in demo client (generated once, into the folder ``salesaudit
demo`` uses: the repository's ``demo/`` in a checkout, see :mod:`salesaudit.demo.folder`), so every
notebook's defaults run as shipped. Inside a run, the runner has already read the client's files into
``RUN/intake/*.parquet``; the notebook then loads those instead of reading the raw files again.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import pandas as pd

from ..exceptions import ConfigError
from ..report.i18n import t as _t
from ..report.locale import Bound, Formatter
from . import config
from .config import Engagement

if TYPE_CHECKING:
    from ..intake.canonical import Intake

DEMO = "demo"


@dataclass
class Session:
    """An opened engagement: config, canonical tables, and the run folder (if any)."""

    eng: Engagement
    intake: Intake
    run_dir: Path | None
    _memo: dict = field(default_factory=dict, repr=False)

    @property
    def lang(self) -> str:
        return self.eng.language

    @property
    def as_of(self) -> pd.Timestamp:
        return pd.Timestamp(self.eng.as_of)

    def table(self, name: str) -> pd.DataFrame | None:
        """A canonical table without intake's bookkeeping columns (``None`` if not configured)."""
        df = self.intake.tables.get(name)
        if df is None:
            return None
        return df.drop(columns=[c for c in df.columns if c.startswith("_")])

    def t(self, key: str, **params) -> str:
        return _t(key, self.lang, **params)

    @property
    def currency(self) -> str:
        return self.eng.currency

    @property
    def money_unit(self) -> str:
        """Chart axes' unit for money in millions, in this engagement's currency: "млн ₽", "$ mln"."""
        from babel.numbers import get_currency_symbol

        return self.t("unit.mln", symbol=get_currency_symbol(self.currency, locale=self.lang))

    @property
    def fmt(self) -> Formatter:
        """Values as report text in this engagement's language and currency: ``s.fmt.money(x)``."""
        return Formatter(lang=self.lang, currency=self.currency)

    def bind(self, module: ModuleType) -> Bound:
        """``module`` with this engagement's ``lang`` and ``currency`` filled in wherever its functions
        take them: ``show = s.bind(show)`` and then ``show.table(df, caption=...)``."""
        return Bound(module, lang=self.lang, currency=self.currency)

    def segment(self) -> pd.DataFrame:
        """The client table of :func:`salesaudit.clients.segmentation.segment_clients` with this engagement's
        settings (computed once per session)."""
        if "segment" not in self._memo:
            from ..clients.segmentation import segment_clients

            e = self.eng
            self._memo["segment"] = segment_clients(
                self.table("sales"),
                as_of=self.as_of,
                clients=self.table("clients"),
                activities=self.table("activities"),
                window_months=e.window_months,
                cutoffs=e.segmentation.cutoffs,
                rule=e.segmentation.rule,
                dormant_months=e.segmentation.dormant_months,
                x=e.xyz.x,
                y=e.xyz.y,
                new_months=e.xyz.new_months,
                weights=e.segmentation.weights,
                d_activity_threshold=e.segmentation.d_activity_threshold,
            )
        return self._memo["segment"]

    def managers(self) -> pd.DataFrame:
        """The sales team every stage plans for and pays: the managers table, or without one the
        managers named on the sales lines (sorted by name; no manager on any line: one row for the
        whole department, named by the label ``plan.department_team``), with engagement.yaml's
        default pay (``motivation.salary``, ``motivation.commission_rate``) filled in where a
        manager's own is missing (:func:`salesaudit.plan.motivation.with_default_pay`)."""
        if "managers" not in self._memo:
            from ..plan.motivation import with_default_pay

            team = self.table("managers")
            if team is None:
                sales = self.table("sales")
                names = sorted(sales["manager"].dropna().unique()) if "manager" in sales else []
                names = names or [self.t("plan.department_team")]
                team = pd.DataFrame({"manager": pd.Series(names, dtype="str")})
            pay = self.eng.motivation
            self._memo["managers"] = with_default_pay(
                team, salary=pay.salary, commission_rate=pay.commission_rate
            )
        return self._memo["managers"]

    def plan(self):
        """The :class:`salesaudit.plan.decomposition.PlanResult` of :func:`salesaudit.plan.decomposition.decompose_plan` with
        this engagement's settings (computed once per session).

        A weekly run (``salesaudit weekly``) tracks against the plan the latest full run made with the
        same plan settings — the plan handed to the team — rather than re-deriving it from each new
        export, which would move the plan whenever history changes. With no such run, it is computed.
        """
        if "plan" not in self._memo and self.run_dir is not None:
            from . import outputs

            if outputs.run_manifest(self.run_dir).get("command") == "weekly":
                plan_settings = config.settings(self.eng)["plan"]
                stored = outputs.latest_full_run(self.eng.folder, plan_settings=plan_settings)
                if stored is not None:
                    tables = outputs.read_plan(stored)
                    self._memo["plan"] = StoredPlan(
                        weekly=tables["weekly"], monthly=tables.get("monthly"), source=stored
                    )
        if "plan" not in self._memo:
            from ..plan.decomposition import decompose_plan

            e, p = self.eng, self.eng.plan
            self._memo["plan"] = decompose_plan(
                self.table("sales"),
                year=p.year,
                managers=self.managers(),
                target=p.target,
                growth=p.growth,
                monthly_targets=p.monthly_targets,
                method=p.method,
                weights=p.weights,
                overrides=p.overrides,
                absences=p.absences,
                ramp=p.ramp,
                clients=self.segment(),
                country=e.country,
                as_of=self.as_of,
                pipeline=self.table("pipeline"),
                activities=self.table("activities"),
                win_rate=e.funnel.win_rate,
                proposal_rate=e.funnel.proposal_rate,
                meeting_rate=e.funnel.meeting_rate,
                lang=self.lang,
            )
        return self._memo["plan"]

    def week(self, week: str | None = None):
        """The :class:`salesaudit.weekly.weekchoice.WeekChoice` the tracking stage shows: ``week`` (the
        ``--week`` of the command line, passed to the notebook), else engagement.yaml's
        ``tracking.week``, else chosen from ``as_of`` and the plan year
        (:func:`salesaudit.weekly.weekchoice.choose_week`)."""
        from ..weekly.weekchoice import choose_week

        e = self.eng
        return choose_week(as_of=e.as_of, plan_year=e.plan.year, week=week or e.tracking.week)

    def thresholds(self) -> dict:
        """The tracking alert thresholds of engagement.yaml."""
        return self.eng.tracking.model_dump(exclude={"mode", "week"})


@dataclass(frozen=True)
class StoredPlan:
    """The plan tables of an earlier full run (what a weekly run tracks against)."""

    weekly: pd.DataFrame
    monthly: pd.DataFrame | None
    source: Path


def ensure_demo() -> Path:
    """Generate the demo engagement once and return its folder.

    The folder is :func:`salesaudit.demo.folder.demo_folder`'s, the same one ``salesaudit demo`` (and so
    ``make demo``) writes: in a checkout, the repository's ``demo/``.

    Raises
    ------
    ConfigError
        If the folder exists, has content and no ``engagement.yaml``.
    """
    from ..demo import generate_demo
    from ..demo.folder import demo_folder

    folder = demo_folder()
    if not (folder / "engagement.yaml").is_file():
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = folder.with_name(folder.name + f".tmp{os.getpid()}")
        generate_demo(tmp)
        try:
            tmp.rename(folder)
        except OSError:  # another process made it meanwhile, or the folder holds something else
            shutil.rmtree(tmp, ignore_errors=True)
    if not (folder / "engagement.yaml").is_file():
        raise ConfigError(
            "the demo folder exists without an engagement.yaml",
            file=str(folder),
            hint="empty or remove this folder (or run `salesaudit demo`), or set SALESAUDIT_DEMO_DIR",
        )
    return folder


_CACHE: dict[tuple, Session] = {}


def open_engagement(engagement: str | Path = DEMO, *, run_dir: str | Path | None = None) -> Session:
    """Open an engagement folder (or ``"demo"``) for analysis.

    Parameters
    ----------
    engagement
        The engagement folder, or ``"demo"`` for the built-in demo client (:func:`ensure_demo`).
    run_dir
        A run's output folder; when it holds ``intake/`` (written by the runner), the canonical tables
        are loaded from there instead of re-reading the client's files.
    """
    folder = ensure_demo() if str(engagement) == DEMO else Path(engagement)
    eng = config.load(folder)
    run = Path(run_dir) if run_dir else None
    key = (str(eng.folder), str(run), (eng.folder / "engagement.yaml").stat().st_mtime_ns)
    if key in _CACHE:
        return _CACHE[key]
    if run is not None and (run / "intake" / "accounting.parquet").is_file():
        from .memory import trim_memory

        intake = load_intake(run / "intake")
        trim_memory()  # the Parquet reader's buffers: 10M lines, 0.75 GB of a kernel's 1.75 GB
    else:  # ad-hoc use: read the client's files (intake is imported only then: pandera is slow to load)
        from ..intake.canonical import read_engagement

        intake = read_engagement(eng)
    session = Session(eng=eng, intake=intake, run_dir=run)
    _CACHE[key] = session
    return session


def forget_sessions() -> None:
    """Drop every session :func:`open_engagement` keeps (each holds a client's tables): what a kernel
    does before it waits for another run (:func:`salesaudit.engine.kernel.forget`)."""
    _CACHE.clear()


def save_intake(intake: Intake, folder: Path) -> None:
    """Canonical tables as Parquet (machine-readable, typed), with the rejected rows and accounting.

    Text columns are text in the files (Parquet strings; pandas reads them as ``str``), including those
    intake holds as categoricals (:data:`salesaudit.intake.canonical.CATEGORICAL`, and ``_file``): the
    files do not depend on that choice. Those are written from their categories and codes — a text
    column is dictionary-encoded in Parquet anyway — without a string per line (10M lines: 2 s of 5).
    """
    folder.mkdir(parents=True, exist_ok=True)
    for name, df in intake.tables.items():
        _write_text_parquet(df, folder / f"{name}.parquet")
    intake.rejected.astype({"row": "int64"}).to_parquet(folder / "rejected.parquet", index=False)
    intake.accounting.to_parquet(folder / "accounting.parquet", index=False)
    intake.names.to_parquet(folder / "names.parquet", index=False)  # spellings unified across tables


def _write_text_parquet(df: pd.DataFrame, path: Path) -> None:
    """``df`` as Parquet whose categorical columns are plain text to any reader: Arrow writes a
    dictionary column's categories and codes as Parquet's dictionary pages, and the file keeps no
    Arrow schema that would turn them back into categoricals. What else that schema holds (a time zone,
    a time span) intake's tables never have; the ``pandas`` metadata (nullable integers) stays."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    coded = [c for c, t in df.dtypes.items() if isinstance(t, pd.CategoricalDtype)]
    if not coded:
        df.to_parquet(path, index=False)
        return
    not_text = {
        c: df[c].astype("str") for c in coded if not pd.api.types.is_string_dtype(df[c].cat.categories)
    }
    table = pa.Table.from_pandas(df.assign(**not_text) if not_text else df, preserve_index=False)
    pq.write_table(table, path, store_schema=False)


def load_intake(folder: Path) -> Intake:
    """The tables :func:`save_intake` wrote, as :func:`salesaudit.intake.canonical.read_engagement` gives them
    (the :data:`salesaudit.intake.canonical.CATEGORICAL` columns as categoricals again, read as such)."""
    import pyarrow.parquet as pq

    from ..intake.canonical import CATEGORICAL, Intake, as_categoricals
    from ..intake.names import empty_log

    tables = {}
    for p in sorted(folder.glob("*.parquet")):
        if p.stem in ("rejected", "accounting", "names"):
            continue
        names = pq.read_schema(p).names
        coded = [c for c in (*CATEGORICAL.get(p.stem, ()), "_file") if c in names]
        frame = pd.read_parquet(p, read_dictionary=coded or None)
        tables[p.stem] = as_categoricals(frame, table=p.stem)
    return Intake(
        tables=tables,
        rejected=pd.read_parquet(folder / "rejected.parquet"),
        accounting=pd.read_parquet(folder / "accounting.parquet"),
        names=pd.read_parquet(folder / "names.parquet")
        if (folder / "names.parquet").is_file()
        else empty_log(),
    )
