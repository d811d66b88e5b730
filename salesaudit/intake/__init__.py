"""Intake: client files to the canonical tables, row accounting, and data-quality findings."""
