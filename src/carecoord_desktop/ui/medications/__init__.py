"""The medication feature's screens: the Medications screen, the record's Medicines tab
and the reconciliation window."""
