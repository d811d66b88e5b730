"""salesaudit: a Jupyter playbook that audits a client's sales system and writes a branded report.

Modules, in the order the data flows: ``config`` (engagement.yaml), ``intake`` (client files to the
canonical tables of ``schemas``), ``quality`` (data-quality findings), ``segmentation`` (ABC/XYZ),
``planning`` / ``workdays`` / ``motivation`` (plan), ``tracking`` (weekly plan vs fact), ``audit``
(scorecard), ``charts``, ``report``, ``workbook``, ``runner`` and ``cli``.
"""

__version__ = "0.1.0"
