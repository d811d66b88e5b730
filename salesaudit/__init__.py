"""salesaudit: a Jupyter playbook that audits a client's sales system and writes a branded report.

Sub-packages follow the playbook's stages, in the order the data flows: ``engine`` (engagement.yaml,
session, runner), ``intake`` (client files to the canonical tables, data quality), ``clients`` (ABC/XYZ,
portfolios), ``plan`` (decomposition, funnel, motivation), ``weekly`` (tracking, pipeline, alerts),
``audit`` (key figures, scorecard) and ``report`` (display, charts, labels, HTML, PDF, workbook).
"""

__version__ = "0.1.0"
