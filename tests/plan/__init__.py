"""Tests of salesaudit.plan."""
