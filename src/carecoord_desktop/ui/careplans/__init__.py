"""The care plan feature: the Care plans screen, the record tab, the plan editor."""
