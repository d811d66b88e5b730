"""``engagement.yaml``: parsed once, at the start of a run, into a typed model.

Unknown keys, wrong types, bad values and missing files fail here with a :class:`ConfigError` naming
the key, before any notebook starts. Defaults live in this module and nowhere else; the commented
scaffold ``templates/engagement.yaml`` documents them for the consultant.
"""

from __future__ import annotations

import datetime as dt
import glob
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..exceptions import ConfigError
from ..intake.schemas import CANONICAL
from .paths import confined, expand_files
from .yamlfile import read_yaml_file

Share = Annotated[float, Field(ge=0, le=1)]
Positive = Annotated[float, Field(gt=0)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReadOptions(_Model):
    """How to read one table's files; every option may be left out to be detected."""

    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | int | None = None
    header_row: Annotated[int, Field(ge=1)] | None = None
    date_format: str | dict[str, str] | None = None
    decimal: Literal[",", "."] | None = None
    thousands: str | None = None
    na_values: list[str] = []
    skip_totals: bool = True


class _OnKey(_Model):
    """A model with an ``on`` key: YAML 1.1 (PyYAML) reads a bare ``on:`` as the boolean ``True``, so
    that key is taken as ``on`` here (``"on":`` quoted works too)."""

    @model_validator(mode="before")
    @classmethod
    def _yaml_on(cls, data):
        if isinstance(data, dict) and True in data and "on" not in data:
            return {("on" if k is True else k): v for k, v in data.items()}
        return data


class Lookup(_OnKey):
    """One canonical column found through another file (employee number -> name, region -> regional
    manager): this table's ``on`` header is looked up in the other file's ``key`` header, and that row's
    ``value`` header gives the column."""

    files: Annotated[list[str], Field(min_length=1)]
    read: ReadOptions = ReadOptions()
    on: Annotated[str, Field(min_length=1)]
    key: Annotated[str, Field(min_length=1)]
    value: Annotated[str, Field(min_length=1)]


class Join(_OnKey):
    """Order headers in one file, order lines in another: this table's ``files`` are the lines, and each
    line takes the headers of the ``files`` here whose ``on`` values match (``{line header: header-file
    header}``). The headers' columns may then be mapped in ``columns`` like the lines' own."""

    files: Annotated[list[str], Field(min_length=1)]
    read: ReadOptions = ReadOptions()
    on: Annotated[dict[str, str], Field(min_length=1)]


class InputSpec(_Model):
    """One canonical table: which files, how their columns map, how to read them.

    ``files`` may name CSV, Excel or Parquet files, ``.gz`` files of them, ``.zip`` archives (every
    readable member, or those matching ``members``), folders (every readable file in them) and globs.
    ``derive`` computes a canonical column from the file's headers and ``exclude`` drops rows (each listed
    as rejected, "filtered out by exclude.NAME"): both are SQL expressions over the headers (DuckDB's
    dialect, headers in double quotes), never Python.
    """

    files: Annotated[list[str], Field(min_length=1)]
    preset: str | None = None
    columns: dict[str, str] = {}
    read: ReadOptions = ReadOptions()
    recode: dict[str, dict[str, str]] = {}
    won_stages: list[str] | None = None
    lost_stages: list[str] | None = None
    percent_columns: list[str] = []
    members: str | None = None
    derive: dict[str, str] = {}
    exclude: dict[str, str] = {}
    lookups: dict[str, Lookup] = {}
    join: Join | None = None


class QualitySettings(_Model):
    """Thresholds of the data-quality findings (:mod:`salesaudit.intake.quality`): zero-amount lines,
    lines without a client or manager and round amounts are a problem from ``problem_share`` of the
    sales lines (or revenue), else a warning; ``gap_days`` days in a row without a sales line inside
    the analysis window, where at least ``gap_min_lines`` lines were to be expected at the data's
    usual pace, are a gap; one client above ``top_client_share`` of the window's net revenue is named;
    amounts that are multiples of ``round_unit`` (``10 × round_unit`` from ``100 × round_unit``) on
    at least ``round_share`` of ``round_min_lines`` or more non-zero lines look like plans typed in."""

    problem_share: Share = 0.25
    gap_days: Annotated[int, Field(ge=1, le=366)] = 14
    gap_min_lines: Positive = 10
    top_client_share: Share = 0.5
    round_share: Share = 0.9
    round_unit: Positive = 1000
    round_min_lines: Annotated[int, Field(ge=1)] = 20


class IntakeSettings(_Model):
    """How strict intake is about formats: a date or number format that rejects more than
    ``max_rejected_share`` of a table's rows or of its revenue stops ``validate``. Plausible values
    (:mod:`salesaudit.intake.plausible`): a date before ``earliest_date`` or more than
    ``years_after_as_of`` years after ``as_of``, and a number that is infinite or whose size exceeds
    ``max_amount`` (in the engagement's currency), reject their row. ``quality``: the thresholds of
    the data-quality findings (:class:`QualitySettings`)."""

    max_rejected_share: Share = 0.05
    earliest_date: dt.date = dt.date(1990, 1, 1)
    years_after_as_of: Annotated[int, Field(ge=0, le=100)] = 5
    max_amount: Positive = 1e12
    quality: QualitySettings = QualitySettings()


class Client(_Model):
    name: Annotated[str, Field(min_length=1)]
    industry: str = ""


class Absence(_Model):
    manager: str
    start: dt.date
    end: dt.date


class PlanSettings(_Model):
    year: int
    target: Positive | None = None
    growth: float = 0.15
    monthly_targets: dict[str, Positive] = {}
    method: Literal["equal", "history", "fair_share"] = "fair_share"
    weights: dict[Literal["equal", "history", "potential"], Share] = {
        "equal": 0.3,
        "history": 0.5,
        "potential": 0.2,
    }
    overrides: dict[str, Positive] = {}
    absences: list[Absence] = []
    ramp: list[Share] = [0.5, 0.75, 1.0]


class FunnelDefaults(_Model):
    win_rate: Annotated[float, Field(gt=0, le=1)] = 0.25
    proposal_rate: Annotated[float, Field(gt=0, le=1)] = 0.5
    meeting_rate: Annotated[float, Field(gt=0, le=1)] = 0.1


class Accelerator(_Model):
    from_: Annotated[float, Field(alias="from", ge=0)]
    multiplier: Positive


class Motivation(_Model):
    base_rate: Share = 0.05
    threshold: Share = 0.7
    decelerator: Positive | None = None
    accelerators: list[Accelerator] = [Accelerator(**{"from": 1.0, "multiplier": 1.5})]
    cap: Positive | None = None
    comfortable_income: Positive | None = 100_000
    salary: Annotated[float, Field(ge=0)] | None = None
    commission_rate: Share | None = None


class Segmentation(_Model):
    cutoffs: tuple[Share, Share] = (0.8, 0.95)
    rule: Literal["reach", "below"] = "reach"
    dormant_months: Annotated[int, Field(ge=1)] = 6
    weights: dict[Literal["revenue", "margin", "frequency", "potential"], Share] = {
        "revenue": 0.4,
        "margin": 0.3,
        "frequency": 0.2,
        "potential": 0.1,
    }
    d_activity_threshold: Annotated[int, Field(ge=0)] = 12

    @field_validator("cutoffs")
    @classmethod
    def _ordered(cls, v):
        if not 0 < v[0] < v[1] <= 1:
            raise ValueError("cut-offs must satisfy 0 < A < B <= 1")
        return v


class XYZ(_Model):
    x: Share = 0.10
    y: Share = 0.25
    new_months: Annotated[int, Field(ge=1)] = 3


class Tracking(_Model):
    mode: Literal["weekly", "daily"] = "weekly"
    runrate_alert: Share = 0.9
    weekly_alert: Share = 0.8
    activity_alert: Share = 0.8
    silence_factor: Positive = 1.5
    silence_min_days: Annotated[int, Field(ge=0)] = 14
    stale_factor: Positive = 2.0
    chance_alert: Share = 0.3
    week: Annotated[str, Field(pattern=r"^\d{4}-W\d{2}$")] | None = None


class ScorecardSettings(_Model):
    """Thresholds of the audit checks; each is documented in :data:`salesaudit.audit.scorecard.DEFAULT_THRESHOLDS`
    (a test keeps these defaults equal to those). The activity threshold is ``tracking.activity_alert``."""

    soft_attainment: Positive = 1.10
    hard_attainment: Share = 0.70
    spread_warning: Share = 0.25
    spread_problem: Share = 0.50
    reconcile_tolerance: Share = 0.005
    reconcile_problem: Share = 0.05
    seasonality_warning: Share = 0.05
    seasonality_problem: Share = 0.10
    variable_pay_min: Share = 0.30
    register_ok: Share = 0.95
    register_warning: Share = 0.80
    shared_warning: Share = 0.20
    top1_warning: Share = 0.10
    top1_problem: Share = 0.25
    top20_warning: Share = 0.90
    erratic_a_warning: Share = 0.50
    d_effort_warning: Share = 0.10
    d_effort_problem: Share = 0.20
    potential_ok: Share = 0.80
    potential_warning: Share = 0.50
    migration_warning: Share = 0.10
    migration_problem: Share = 0.20
    churn_warning: Positive = 0.80
    win_rate_spread_warning: Positive = 0.30
    win_rate_spread_problem: Positive = 0.60
    stale_warning: Share = 0.10
    stale_problem: Share = 0.30
    activity_weeks: Annotated[int, Field(ge=1, le=26)] = 4
    coverage_warning: Share = 0.50
    fill_ok: Share = 0.90
    fill_problem: Share = 0.70
    forecast_warning: Share = 0.10
    forecast_problem: Share = 0.20
    ramp_level: Share = 0.80
    ramp_months: Annotated[int, Field(ge=1, le=24)] = 3
    turnover_warning: Share = 0.15
    turnover_problem: Share = 0.30
    warning_points: Share = 0.5


class Engagement(_Model):
    """The whole ``engagement.yaml``. ``folder`` is where it was read from (set by :func:`load`)."""

    client: Client
    language: Literal["ru", "en"] = "ru"
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "RUB"
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] = "RU"
    as_of: dt.date
    window_months: Annotated[int, Field(ge=1, le=60)] = 12
    brand: str = "brand.yml"
    questionnaire: str = "questionnaire.yaml"
    files_outside_folder: Literal["allow", "refuse"] | None = None
    inputs: dict[str, InputSpec]
    plan: PlanSettings
    funnel: FunnelDefaults = FunnelDefaults()
    motivation: Motivation = Motivation()
    segmentation: Segmentation = Segmentation()
    xyz: XYZ = XYZ()
    tracking: Tracking = Tracking()
    scorecard: ScorecardSettings = ScorecardSettings()
    intake: IntakeSettings = IntakeSettings()
    folder: Path = Path(".")

    @model_validator(mode="after")
    def _inputs_known(self):
        unknown = sorted(set(self.inputs) - set(CANONICAL))
        if unknown:
            raise ValueError(f"unknown table(s) {unknown}; known: {sorted(CANONICAL)}")
        if "sales" not in self.inputs:
            raise ValueError("the sales table is required")
        from ..intake.presets import PRESETS

        for table, spec in self.inputs.items():
            known = CANONICAL[table].columns
            bad = sorted(set(spec.columns) - set(known))
            if bad:
                raise ValueError(
                    f"inputs.{table}.columns: unknown canonical column(s) {bad}; known: {sorted(known)}"
                )
            if spec.preset is not None:
                if spec.preset not in PRESETS:
                    raise ValueError(
                        f"inputs.{table}.preset: unknown preset {spec.preset!r}; known: {sorted(PRESETS)}"
                    )
                if table not in PRESETS[spec.preset].tables:
                    raise ValueError(
                        f"inputs.{table}.preset: preset {spec.preset!r} has no mapping for {table}; "
                        f"it maps {sorted(PRESETS[spec.preset].tables)}"
                    )
            for key, names in (
                ("recode", spec.recode),
                ("percent_columns", spec.percent_columns),
                (
                    "read.date_format",
                    spec.read.date_format if isinstance(spec.read.date_format, dict) else {},
                ),
            ):
                bad = sorted(set(names) - set(known))
                if bad:
                    raise ValueError(f"inputs.{table}.{key}: unknown canonical column(s) {bad}")
            deals = spec.won_stages is not None or spec.lost_stages is not None
            if deals and table not in ("sales", "pipeline"):
                raise ValueError(f"inputs.{table}: won_stages/lost_stages apply to sales and pipeline only")
            if deals and table == "sales" and "status" not in spec.columns and spec.preset is None:
                raise ValueError(
                    "inputs.sales.won_stages needs inputs.sales.columns.status: the deal stage column"
                )
            _check_transforms(table, spec, known)
        return self

    @property
    def allows_outside(self) -> bool:
        """``files_outside_folder: allow``: files the engagement names may lie outside its folder."""
        return self.files_outside_folder == "allow"

    def path(self, relative: str, *, key: str | None = None) -> Path:
        """A path from engagement.yaml (the key ``key``), resolved against the engagement folder; it
        must lie inside it, symlinks followed (:func:`salesaudit.engine.paths.confined`), unless
        ``files_outside_folder: allow``.

        Raises
        ------
        ConfigError
            The path leads outside the engagement folder.
        """
        confined(relative, self.folder, key=key, allow_outside=self.allows_outside)
        p = Path(relative)
        return p if p.is_absolute() else self.folder / p

    def input_files(self, table: str) -> list[Path]:
        """The files of one table in the order listed: globs expanded (sorted), a folder as its
        readable files (:func:`salesaudit.intake.sources.folder_files`), Office lock files (``~$*``)
        left out, a file listed twice read once. A ``.zip`` is one file here; intake reads its members.
        Each must lie inside the engagement folder and outside its ``output/``
        (:func:`salesaudit.engine.paths.expand_files`).
        """
        return expand_files(
            self.inputs[table].files,
            self.folder,
            key=f"inputs.{table}.files",
            allow_outside=self.allows_outside,
        )


def _check_transforms(table: str, spec: InputSpec, known) -> None:
    """``derive`` and ``lookups`` name canonical columns of the table, each given one way only (a
    lookup's column may also be in ``columns`` when mapped to its ``on`` header); every expression is
    one SQL expression over headers (:func:`salesaudit.intake.expressions.check_expression`); an
    ``exclude`` condition refers to at least one header; ``join.on`` names headers.

    Raises
    ------
    ConfigError
        Naming the key, e.g. ``inputs.sales.derive.amount``.
    """
    from ..intake.expressions import check_expression

    at = f"inputs.{table}"
    for what, names in (("derive", spec.derive), ("lookups", spec.lookups)):
        bad = sorted(set(names) - set(known))
        if bad:
            raise ConfigError(
                f"unknown canonical column(s) {bad}; known: {sorted(known)}", key=f"{at}.{what}"
            )
    for column in spec.derive:
        if column in spec.columns or column in spec.lookups:
            other = "columns" if column in spec.columns else "lookups"
            raise ConfigError(
                f"{column} is both derived and given by {at}.{other}: keep one",
                key=f"{at}.derive.{column}",
            )
    for column, lookup in spec.lookups.items():
        if column in spec.columns and spec.columns[column] != lookup.on:
            raise ConfigError(
                f"{column} is looked up by the header {lookup.on!r} but mapped to "
                f"{spec.columns[column]!r} in {at}.columns: keep one",
                key=f"{at}.lookups.{column}.on",
            )
    for column, text in spec.derive.items():
        check_expression(text, key=f"{at}.derive.{column}")
    for name, text in spec.exclude.items():
        if not check_expression(text, key=f"{at}.exclude.{name}"):
            raise ConfigError(
                "the condition refers to no header of the file",
                key=f"{at}.exclude.{name}",
                value=text,
                hint="name a header in double quotes, e.g. '\"Статус\" = ''Отменён'''",
            )
    if spec.join is not None:
        for line, header in spec.join.on.items():
            if not str(line).strip() or not str(header).strip():
                raise ConfigError("a key header is empty", key=f"{at}.join.on")


def _key_path(loc: tuple) -> str:
    return ".".join(str(p) for p in loc if p not in ("function-after",))


def load(folder: str | Path) -> Engagement:
    """Read and check ``folder/engagement.yaml``; every named file must exist and lie inside the
    folder (unless ``files_outside_folder: allow``), and it, brand.yml and questionnaire.yaml must be
    bounded, strict YAML (:func:`salesaudit.engine.yamlfile.read_yaml_file`).

    Raises
    ------
    ConfigError
        Naming the key (``inputs.sales.files``), the value and what is expected.
    """
    folder = Path(folder).resolve()
    path = folder / "engagement.yaml"
    if not folder.is_dir():
        raise ConfigError("engagement folder not found", file=str(folder))
    if not path.is_file():
        raise ConfigError(
            "no engagement.yaml in the engagement folder",
            file=str(path),
            hint="create one with `salesaudit new FOLDER`",
        )
    raw = read_yaml_file(path, what="engagement.yaml")  # bounded; a key given twice is an error
    if not isinstance(raw, dict):
        raise ConfigError("engagement.yaml must be a mapping of keys", file=str(path))
    return parse(raw, folder=folder, source=str(path))


def load_yaml(text: str) -> Any:
    """``yaml.safe_load`` with libyaml's C parser when PyYAML has it (about 10x faster on the label
    files; same result, same ``yaml.YAMLError`` with marks)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def parse(raw: dict[str, Any], *, folder: Path, source: str = "engagement.yaml") -> Engagement:
    """Validate an already-loaded mapping (used by :func:`load` and by tests)."""
    try:
        eng = Engagement.model_validate({**raw, "folder": folder})
    except ConfigError as exc:  # raised by a validator with its own key (e.g. inputs.sales.derive.amount)
        exc.file = exc.file or source
        raise
    except ValidationError as exc:
        err = exc.errors()[0]
        more = f" (and {len(exc.errors()) - 1} more problem(s))" if len(exc.errors()) > 1 else ""
        key = _key_path(err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key (check the spelling against templates/engagement.yaml)"
        value = err.get("input") if err["type"] != "missing" else None
        if isinstance(value, dict):
            value = None
        raise ConfigError(msg + more, file=source, key=key or None, value=value) from None
    try:
        _check_files(eng, source)
    except ConfigError as exc:  # a path refused by the confinement names its key, not the file
        exc.file = exc.file or source
        raise
    return eng


def _check_files(eng: Engagement, source: str) -> None:
    from ..intake.sources import folder_files

    for table in eng.inputs:
        for pattern in eng.inputs[table].files:
            if glob.has_magic(pattern):
                continue
            folder = eng.path(pattern, key=f"inputs.{table}.files")
            if folder.is_dir() and not folder_files(folder):
                raise ConfigError(
                    "the folder holds no readable file (CSV, TXT, TSV, XLSX, XLSM, XLS, Parquet, "
                    "a .gz of one, or a .zip)",
                    file=source,
                    key=f"inputs.{table}.files",
                    value=str(folder),
                )
        files = eng.input_files(table)
        if not files:
            raise ConfigError(
                "no file matches",
                file=source,
                key=f"inputs.{table}.files",
                value=eng.inputs[table].files,
            )
        for f in files:
            if not f.is_file():
                raise ConfigError(
                    "input file not found", file=source, key=f"inputs.{table}.files", value=str(f)
                )
    for table, spec in eng.inputs.items():  # the files of a join and of lookups
        linked = [("join", spec.join)] if spec.join else []
        linked += [(f"lookups.{c}", lk) for c, lk in spec.lookups.items()]
        for where, part in linked:
            key = f"inputs.{table}.{where}.files"
            files = expand_files(part.files, eng.folder, key=key, allow_outside=eng.allows_outside)
            if not files:
                raise ConfigError("no file matches", file=source, key=key, value=part.files)
            for f in files:
                if not f.is_file():
                    raise ConfigError("input file not found", file=source, key=key, value=str(f))
    for key in ("brand", "questionnaire"):
        p = eng.path(getattr(eng, key), key=key)
        if not p.is_file():
            raise ConfigError(f"{key} file not found", file=source, key=key, value=str(p))
        read_yaml_file(p, what=key)  # bounded and strict before the report or the audit parses it


def settings(eng: Engagement) -> dict[str, Any]:
    """The engagement as plain data (JSON-able), for notebook parameters and the manifest."""
    data = eng.model_dump(mode="json", by_alias=True)
    data["folder"] = str(eng.folder)
    return data


def engagement_yaml_text(
    *,
    client_name: str,
    language: str,
    as_of: dt.date | str,
    plan_year: int,
    inputs: dict[str, Any] | str | None = None,
    plan_target: float | None = None,
    currency: str = "RUB",
    country: str = "RU",
) -> str:
    """The commented scaffold (``templates/engagement.yaml``) filled in for one client.

    Every value is written by the YAML library (:func:`yaml_scalar`) in one pass over the template's
    slots, so a client name reads back exactly as given — quotes, ``#``, ``: ``, braces such as
    ``{as_of}``, a leading ``*``, line breaks and all; the template's comments are kept.

    ``inputs``: the ``inputs:`` block as a mapping, or as ready YAML text (indented by two spaces, as
    :func:`salesaudit.intake.presets.preset_inputs_text` writes it); None = a commented example.
    Money defaults follow ``currency``: ``motivation.comfortable_income`` is the template's rouble
    figure for RUB and, for any other currency, ``null`` with a comment to ask the owner — a rouble
    amount read as dollars would mislead the income-ceiling section.

    Examples
    --------
    >>> text = engagement_yaml_text(client_name="ООО «Ромашка»", language="ru",
    ...                             as_of="2026-11-25", plan_year=2026)
    >>> data = yaml.safe_load(text)
    >>> data["plan"]["year"], data["currency"], data["motivation"]["comfortable_income"]
    (2026, 'RUB', 100000)
    >>> text = engagement_yaml_text(client_name="Acme", language="en", as_of="2026-11-25",
    ...                             plan_year=2026, currency="USD", country="US")
    >>> data = yaml.safe_load(text)
    >>> data["currency"], data["country"], data["motivation"]["comfortable_income"]
    ('USD', 'US', None)
    >>> name = 'X {inputs} {as_of} "#1": *a'
    >>> text = engagement_yaml_text(client_name=name, language="ru", as_of="2026-11-25", plan_year=2026)
    >>> yaml.safe_load(text)["client"]["name"] == name
    True
    """
    from .templates import template_path

    text = template_path("engagement.yaml").read_text(encoding="utf-8")
    if isinstance(inputs, str):
        block = inputs
    elif inputs:
        block = yaml.safe_dump(inputs, allow_unicode=True, sort_keys=False, width=100)
        block = "\n".join("  " + line for line in block.splitlines())
    else:
        block = _EXAMPLE_INPUTS
        for ru, en in _EXAMPLE_HEADERS_EN.items() if language == "en" else ():
            block = block.replace(ru, en)
    values = {  # each user-given value written by the YAML library, in one pass: never re-read as a slot
        '"{client_name}"': yaml_scalar(client_name, quote=True),
        "{language}": yaml_scalar(language),
        "{as_of}": yaml_scalar(dt.date.fromisoformat(str(as_of))),
        "{plan_year}": yaml_scalar(int(plan_year)),
        "{inputs}": block,
    }
    text = re.sub("|".join(map(re.escape, values)), lambda m: values[m.group(0)], text)
    if plan_target is not None:
        text = text.replace("  target: null ", f"  target: {plan_target:.0f} ", 1)
    return _fill_locale(text, currency=currency, country=country)


def _fill_locale(text: str, *, currency: str, country: str) -> str:
    """The scaffold's currency and country lines (ISO codes, checked) and, for a currency other than
    the rouble, the income ceiling left unknown."""
    for option, code, size in (("currency", currency, 3), ("country", country, 2)):
        if not re.fullmatch(f"[A-Z]{{{size}}}", code):
            raise ConfigError(
                f"{option} must be an ISO code of {size} capital letters", key=option, value=code
            )
    lines = {
        r"^currency: RUB( +#)": f"currency: {currency}\\1",
        r"^country: RU( +#)": f"country: {country}\\1",
    }
    if currency != "RUB":
        lines[r"^  comfortable_income: 100000 .*$"] = (
            "  comfortable_income: null     # ask the owner: the monthly income (in "
            f"{currency}) managers settle for; null = not known, the report says so"
        )
    for pattern, line in lines.items():
        text, n = re.subn(pattern, line, text, count=1, flags=re.M)
        if n != 1:
            raise ValueError(f"templates/engagement.yaml has no line matching {pattern!r}")
    return text


def yaml_scalar(value: Any, *, quote: bool = False) -> str:
    """``value`` as one line of YAML that reads back as exactly ``value``: text double-quoted with
    every special character escaped (a line break as ``\\n``), a plain word (``ru``) bare unless
    ``quote``; dates, numbers and the like as YAML writes them.

    Examples
    --------
    >>> print(yaml_scalar('A "{as_of}" #1'), yaml_scalar(dt.date(2026, 11, 25)), yaml_scalar(2026))
    "A \\"{as_of}\\" #1" 2026-11-25 2026
    >>> print(yaml_scalar("ru"), yaml_scalar("yes"), yaml_scalar("Acme", quote=True))
    ru "yes" "Acme"
    >>> yaml_scalar("две\\nстроки")
    '"две\\\\nстроки"'
    """
    plain = isinstance(value, str) and not quote and re.fullmatch(r"[A-Za-z][\w-]*", value)
    style = '"' if isinstance(value, str) and not (plain and yaml.safe_load(value) == value) else None
    text = yaml.safe_dump(value, default_style=style, allow_unicode=True, width=float("inf"))
    return text.removesuffix("\n").removesuffix("\n...").strip()


_EXAMPLE_INPUTS = """\
  sales:                       # required: one row per invoice / shipment / won-deal line
    files: [data/sales*.csv]   # one or more files (CSV, XLSX, XLS, Parquet); globs allowed
    preset: null               # amocrm | bitrix24 | 1c | generic_en: that export's column names
    columns:                   # canonical name: the column header in the client's file
      date: Дата
      client_id: Контрагент
      amount: Сумма
      manager: Менеджер
    read:                      # how to read the files; leave out what can be detected
      encoding: null           # utf-8 | utf-8-sig | cp1251
      delimiter: null          # "," ";" or "\\t"
      sheet: null              # Excel sheet name
      header_row: null         # 1-based row of the header line
      date_format: null        # e.g. "%d.%m.%Y"; required when day/month order is ambiguous
      decimal: null            # "," or "."
      na_values: []            # strings that mean "missing" in this export (e.g. "н/д")
  # clients:    {files: [data/clients.xlsx], columns: {client_id: Код, name: Наименование, potential: Потенциал}}
  # managers:   {files: [data/managers.csv], columns: {manager: Менеджер, salary: Оклад, commission_rate: Процент}}
  # targets:    {files: [data/targets.csv],  columns: {period: Период, amount: План, manager: Менеджер}}
  # pipeline:   {files: [data/deals.csv],    columns: {deal_id: ID, manager: Ответственный, amount: Бюджет, stage: Этап}}
  # activities: {files: [data/calls.csv],    columns: {date: Дата, manager: Менеджер, type: Тип}}"""

# The example's Russian headers as an English export would spell them (``language: en``)
_EXAMPLE_HEADERS_EN = {
    "client_id: Контрагент": "client_id: Customer",
    "client_id: Код": "client_id: Account ID",
    "name: Наименование": "name: Account Name",
    "potential: Потенциал": "potential: Potential",
    "manager: Ответственный": "manager: Owner",
    "manager: Менеджер": "manager: Salesperson",
    "salary: Оклад": "salary: Base Salary",
    "commission_rate: Процент": "commission_rate: Commission",
    "period: Период": "period: Month",
    "amount: План": "amount: Quota",
    "amount: Бюджет": "amount: Amount",
    "amount: Сумма": "amount: Amount",
    "stage: Этап": "stage: Stage",
    "type: Тип": "type: Type",
    "date: Дата": "date: Date",
    '(e.g. "н/д")': '(e.g. "n/a")',
}
