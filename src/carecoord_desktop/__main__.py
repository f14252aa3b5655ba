"""`python -m carecoord_desktop` opens the GUI."""

from carecoord_desktop.app import main

raise SystemExit(main())
