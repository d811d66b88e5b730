"""Audit stage: key figures, the diagnostic scorecard and the interview questionnaire."""
