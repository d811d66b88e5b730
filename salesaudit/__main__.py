"""``python -m salesaudit`` is the ``salesaudit`` command."""

from .cli import main

main()
