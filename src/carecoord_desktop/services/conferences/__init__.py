"""Care conferences: scheduling, invitees, agreement, agenda, meeting, decisions, rule pack."""
