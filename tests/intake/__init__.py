"""Tests of salesaudit.intake."""
