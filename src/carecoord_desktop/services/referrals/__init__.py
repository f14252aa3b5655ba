"""Referrals and the community resources directory (issue 12). Importing the package
registers the "Chase referral" source with the task board's sweep (followups.py)."""

from carecoord_desktop.services.referrals import followups  # noqa: F401 (registers the source)
