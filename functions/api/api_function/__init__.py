"""The API function: REST (v1) events from API Gateway in, read-only answers out."""
