"""Tests of salesaudit.audit."""
