"""`python -m carecoord_desktop.cli`."""

from carecoord_desktop.cli import main

raise SystemExit(main())
