"""articlectl: the project's local tools (validate, reindex, invoke, dev)."""
