"""`make mutation`: mutmut over the core, in a staging folder with the layout mutmut expects."""
