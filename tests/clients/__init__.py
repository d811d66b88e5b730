"""Tests of salesaudit.clients."""
