"""The DynamoDB adapter: one table, one index (docs/storage.md).

`keys` decides every key and which list partition serves a query; `items`
builds and reads the items; `reader` serves the API (GetItem and Query only);
`writer` applies ingest's transactions; `bulk` loads an empty table.
"""
