"""Clinical knowledge as pure functions over shipped data files. Imports no services or ui.

The drug knowledge base (loaded lazily on first use, see base.py): `recognise` a medicine as
written, `check` a list, read a medication line (`medline.parse_line`), `reconcile` lists; and
`about()` for the About box (version, build date, sources with their licences, counts).
"""

from carecoord_desktop.knowledge.base import about, about_text

__all__ = ["about", "about_text"]
