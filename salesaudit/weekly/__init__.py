"""Weekly stage: plan vs fact, forecast, pipeline, alerts, backtest."""
