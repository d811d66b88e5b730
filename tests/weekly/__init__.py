"""Tests of salesaudit.weekly."""
