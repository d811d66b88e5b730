"""Tests of salesaudit.report."""
