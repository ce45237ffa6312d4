"""Reads article objects from S3, never more than the size limit plus one byte."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from article_feed.ingest import FetchedObject

if TYPE_CHECKING:
    from types_boto3_s3 import S3Client


class S3ObjectReader:
    """The ingest service's `ObjectReader`, backed by an S3 client."""

    def __init__(self, client: S3Client) -> None:
        self._client = client

    def read(self, bucket: str, key: str, version_id: str | None, max_bytes: int) -> FetchedObject | None:
        """Read the object's first `max_bytes + 1` bytes; None when it is gone."""
        request: dict[str, Any] = {"Bucket": bucket, "Key": key, "Range": f"bytes=0-{max_bytes}"}
        if version_id:
            request["VersionId"] = version_id
        try:
            response = self._client.get_object(**request)
        except self._client.exceptions.NoSuchKey:
            return None
        except self._client.exceptions.ClientError as error:
            # An empty object cannot satisfy a range; a deleted version is gone.
            code = error.response.get("Error", {}).get("Code")
            if code == "InvalidRange":
                return FetchedObject(b"", None, version_id)
            if code in ("NoSuchVersion", "NoSuchKey", "404", "MethodNotAllowed"):  # 405: a delete marker
                return None
            raise
        with response["Body"] as body:
            data = body.read(max_bytes + 1)
        return FetchedObject(data, response.get("ETag", "").strip('"') or None, response.get("VersionId"))
