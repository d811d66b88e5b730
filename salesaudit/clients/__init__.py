"""Clients stage: ABC(D), XYZ, potential, migration; manager portfolios and concentration."""
