"""The domain: what an article is and the rules about it, free of AWS and of I/O.

Model (the file's fields), identity (keys and ids), diagnostics (what users read
about a file), records (what ingest knows about each key), text (matching
forms, bounded display), views (what is served), limits (what one stored item
holds), errors (what the use cases and adapters tell each other).
"""
