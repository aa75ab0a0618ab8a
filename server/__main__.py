"""``python -m server`` is the ``metrokawa`` command."""

from .cli import main

raise SystemExit(main())
