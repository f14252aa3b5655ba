"""The patient feature's services: record, lists, search, risk, register."""
