"""`articlectl status KEY`: a key's ingestion record, from a deployed stack or the local one.

On AWS, `GET /ingestions` requires IAM: the request is signed (SigV4, service
`execute-api`) with the curator's own credentials by botocore's signer, exactly
as the AWS CLI signs its requests. The local stack asks for no signature.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote

LOCAL_API = "http://127.0.0.1:3000"


def api_url_of_stack(session: Any, stack_name: str) -> str:
    """The `ApiUrl` output of a deployed stack."""
    stacks = session.client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"]
    outputs = {output["OutputKey"]: output["OutputValue"] for output in stacks[0].get("Outputs", [])}
    return str(outputs["ApiUrl"])


def signed_get(session: Any, url: str) -> tuple[int, bytes]:
    """GET `url`, signed with the session's credentials when it has any."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    request = AWSRequest(method="GET", url=url, headers={"Accept": "application/json"})
    credentials = session.get_credentials()
    if credentials is not None:
        SigV4Auth(credentials.get_frozen_credentials(), "execute-api", session.region_name or "us-east-1").add_auth(
            request
        )
    prepared = request.prepare()
    outgoing = urllib.request.Request(prepared.url, headers=dict(prepared.headers), method="GET")  # noqa: S310 - http(s) only
    try:
        with urllib.request.urlopen(outgoing, timeout=30) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def run(session: Any, key: str, api_url: str) -> int:
    """Print the record; 0 when the key is accepted or deleted, 1 when rejected, 2 when unknown or refused."""
    if not api_url.startswith(("http://", "https://")):
        print(f"articlectl status: the API URL must be http(s), got {api_url!r}", file=sys.stderr)
        return 2
    status, body = signed_get(session, f"{api_url.rstrip('/')}/ingestions?key={quote(key, safe='')}")
    try:
        answer = json.loads(body)
    except ValueError:
        answer = {"detail": body.decode("utf-8", "replace")[:500]}
    if status != 200:
        print(f"{key}: {status} {answer.get('detail') or answer.get('message') or answer}", file=sys.stderr)
        return 2
    print(json.dumps(answer, indent=2, ensure_ascii=False))
    return 1 if answer.get("status") == "rejected" else 0
