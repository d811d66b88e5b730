"""salesaudit: a Jupyter playbook that audits a client's sales system and writes a branded report.

Sub-packages follow the playbook's stages, in the order the data flows: ``engine`` (engagement.yaml,
session, runner), ``intake`` (client files to the canonical tables, data quality), ``clients`` (ABC/XYZ,
portfolios), ``plan`` (decomposition, funnel, motivation), ``weekly`` (tracking, pipeline, alerts),
``audit`` (key figures, scorecard) and ``report`` (display, charts, labels, HTML, PDF, workbook).

From a notebook cell, :func:`run`, :func:`weekly` and :func:`compare` do what ``salesaudit run``,
``salesaudit weekly`` and ``salesaudit compare`` do, and :func:`kernel_pool` keeps their kernels warm from one run to the next. Importing the package
loads nothing else: they import the runner when called. ``salesaudit.weekly`` is also the weekly stage's
sub-package (``salesaudit.weekly.tracking``, ...): the sub-package is made callable as :func:`weekly`, so
the name means the same whether the sub-package has been imported or not.
"""

__version__ = "0.1.0"

from . import weekly  # noqa: E402  the weekly sub-package, made callable as api.weekly by .api
from .api import Run, compare, kernel_pool, run  # noqa: E402

__all__ = ["Run", "__version__", "compare", "kernel_pool", "run", "weekly"]
