"""The team task board: tasks and their cards (board.py reads, edit.py writes), tasks that
events open and close (events.py), transitions of care (transitions.py), the business-day
calendar (calendar.py) and coordination minutes (minutes.py). Types are in types.py.
"""
