"""Care conference screens: the lists, the record tab and the conference window."""
