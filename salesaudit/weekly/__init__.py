"""Weekly stage: plan vs fact, forecast, pipeline, alerts, backtest.

Entry points: :mod:`.tracking` (track_week, tracking_weekly, track_trend, backtest, with_labels, ...),
:mod:`.pipeline` and :mod:`.alerts`. The figures, free of language: :mod:`.inputs` (checked inputs,
thresholds), :mod:`.days` (day arithmetic), :mod:`.weekparts` (the week-part engine), :mod:`.backtest`,
:mod:`.signals` (alert rules and their figures). The words: :mod:`.wording` (labels, the backtest's
headline) and :mod:`.alerts` (the alert sentences).
"""
