"""A corpus of client shapes: engagement folders generated deterministically by :mod:`.make_corpus`."""
