"""The ingest function: S3 notifications in, one ingestion outcome per record."""
