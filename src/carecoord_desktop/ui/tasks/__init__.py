"""The team task board, its list view and task detail, and the record's Tasks tab."""
