"""A complete demo engagement: a believable Russian B2B distributor, generated deterministically.

:func:`generate_demo` writes an engagement folder for «ТехноСнаб», a wholesaler of electrical and
industrial supplies: ``engagement.yaml``, 1C-style sales exports for three years, a client register in
Excel, the managers list, the owner's 2025 targets, amoCRM-like deals, a year of activities, the
interview answers, and the brand files. The data carry on purpose everything the playbook looks for
(the three headline failures, a potential giant, dormant and lost A clients, an October slump, a new hire
and a leaver, the usual data flaws); :data:`DEMO_FACTS` lists them so tests and notebooks can assert on
them.

Conventions
-----------
* Same ``seed`` -> byte-identical files (numpy ``default_rng``; nothing depends on the current date, the
  locale or the machine; the Excel file carries a fixed creation time).
* Amounts are generated in kopecks (integers) and written as ``12345,60``: decimal comma, no thousands
  separator. Returns are negative lines of the same client at a later date (never after the client's
  last purchase date, so dormant and lost clients stay silent).
* A sales document (``Документ``) is one invoice: its lines share date and client. The planted duplicate
  documents reuse an invoice number on another date for another client.
* Monthly totals are set first (yearly level × seasonality index × noise ≤ 6 %; 2026 at the target's
  pace, October 2026 at 67 % of it), then orders are drawn per day (working days of the RU calendar
  weigh 1, days off 0.03), line amounts are scaled to each week-part's working-day share of its month
  (× 5 % noise) and then exactly to the month's total. A client's expected revenue is proportional to
  its weight (order frequency ∝ weight^0.6, line size ∝ weight^0.4); weights are lognormal quantiles
  (σ = 1.75, the largest dozen tamed), so the Pareto shape does not depend on the seed.

Layout
------
:mod:`~salesaudit.demo.story` holds the fixed story (names, dates, planted clients, :data:`DEMO_FACTS`);
:mod:`~salesaudit.demo.timeline` the calendar; :mod:`~salesaudit.demo.clients`,
:mod:`~salesaudit.demo.sales` and :mod:`~salesaudit.demo.crm` generate and write the client register, the
sales with targets, and the activities and deals; :mod:`~salesaudit.demo.engagement` writes
``engagement.yaml``, the managers list and the interview answers. :func:`generate_demo` draws them in a
fixed order from one random generator.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from ..engine.templates import template_path
from ..exceptions import ConfigError
from .clients import _make_clients, _write_clients
from .crm import _make_activities, _make_deals, _write_activities, _write_deals
from .engagement import _engagement_text, _write_managers, _write_questionnaire
from .folder import refuse_filled
from .sales import _add_potential, _make_sales, _target_2026, _write_sales, _write_targets
from .story import DEMO_FACTS
from .timeline import _Calendar

__all__ = ["DEMO_FACTS", "generate_demo"]


def generate_demo(
    folder, *, seed: int = 20261125, profile: str | None = None, language: str | None = None
) -> Path:
    """Write a complete demo engagement folder and return the path of its ``engagement.yaml``.

    Parameters
    ----------
    folder
        Target folder; created if missing. It must not exist with content in it.
    seed
        Seed of ``numpy.random.default_rng``. Same seed -> byte-identical files.
    profile, language
        A name of :data:`salesaudit.demo.zoo.PROFILES`: that client of the zoo instead of the demo
        (:func:`~salesaudit.demo.zoo.generate_profile`); ``ru`` | ``en``: the report language (the data
        stay as they are; ``None``: the client's own).

    Returns
    -------
    pathlib.Path of ``folder/engagement.yaml``. The folder holds ``engagement.yaml``,
    ``questionnaire.yaml``, ``brand.yml`` and the logo (copied from ``templates/``) and ``data/``:
    ``sales_2024.csv`` (with December 2023), ``sales_2025.csv``, ``sales_2026.csv``, ``clients.xlsx``,
    ``managers.csv``, ``targets.csv``, ``deals.csv``, ``activities.csv``. Formats and column headers
    are stated in the ``inputs`` block of ``engagement.yaml``; planted facts in :data:`DEMO_FACTS`.

    Raises
    ------
    ConfigError
        If ``folder`` exists and is not an empty directory, or the engagement template is missing.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = generate_demo(Path(tmp) / "demo")
    ...     print(path.name, sorted(p.name for p in (path.parent / "data").glob("sales_*.csv")))
    engagement.yaml ['sales_2024.csv', 'sales_2025.csv', 'sales_2026.csv']
    """
    variant = _variant(folder, profile, language, seed)
    if variant is not None:
        return variant
    folder = Path(folder)
    refuse_filled(folder)
    try:
        template = template_path("engagement.yaml")
    except FileNotFoundError as exc:
        raise ConfigError("the engagement template is missing", file="templates/engagement.yaml") from exc

    rng = np.random.default_rng(seed)
    cal = _Calendar()
    clients = _make_clients(rng, cal)
    sales = _make_sales(rng, cal, clients)
    _add_potential(rng, cal, clients, sales)
    activities = _make_activities(rng, cal, clients)
    deals = _make_deals(rng, cal, clients)

    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    _write_sales(rng, cal, clients, sales, data)
    _write_clients(clients, data / "clients.xlsx")
    _write_managers(data / "managers.csv")
    _write_targets(cal, clients, sales, data / "targets.csv")
    _write_deals(deals, data / "deals.csv")
    _write_activities(activities, data / "activities.csv")
    _write_questionnaire(folder / "questionnaire.yaml")
    for src in sorted(template.parent.glob("brand*")) + sorted(template.parent.glob("logo*")):
        if src.is_file():
            shutil.copyfile(src, folder / src.name)
    target = _target_2026(cal, sales)
    path = folder / "engagement.yaml"
    text = _engagement_text(template.read_text(encoding="utf-8"), target)
    if language is not None:  # the interview notes stay as the client gave them (Russian)
        text = _with_language(text, language)
    path.write_text(text, encoding="utf-8")
    return path


def _variant(folder, profile: str | None, language: str | None, seed: int) -> Path | None:
    """A zoo client's folder for a ``profile`` (None without one); a language other than ru | en is
    refused before anything is written."""
    if language not in (None, "ru", "en"):
        raise ConfigError("the report language must be ru or en", key="language", value=language)
    if profile is None:
        return None
    from .zoo import generate_profile

    return generate_profile(folder, profile, language=language, seed=seed)


def _with_language(text: str, language: str) -> str:
    """``engagement.yaml`` text with its ``language:`` line set to ``language`` (ru | en)."""
    import re

    text, n = re.subn(r"^language: \w+", f"language: {language}", text, count=1, flags=re.M)
    if n != 1:
        raise ConfigError("the engagement template has no 'language:' line", key="language")
    return text
