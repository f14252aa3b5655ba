"""Referrals and the community resources directory: the record tab and the screen."""
