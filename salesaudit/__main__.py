"""``python -m salesaudit`` is the ``salesaudit`` command."""

from .cli import main

if __name__ == "__main__":
    main()
