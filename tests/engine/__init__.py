"""Tests of salesaudit.engine."""
