"""One story, one URL: the form under which `webUrl`s are unique.

Two URLs that differ only by scheme (http/https), the host's case, a leading
`www.`, a default port, a fragment, a trailing `/`, tracking parameters or the
order of the other parameters name the same story. The path's case, its
percent-encoding and the other parameters' values still make URLs different.
Served URLs stay as written: this form is only compared and keyed.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

TRACKING_PARAMETERS = frozenset({"fbclid", "gclid", "mc_cid", "mc_eid"})
TRACKING_PREFIX = "utm_"
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """`host[:port]/path?sorted-query`, no scheme, no fragment: what uniqueness compares."""
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unclosed IPv6 bracket: never a valid webUrl, compared as written
        return text
    user, _, host_and_port = parts.netloc.rpartition("@")
    try:
        host = (parts.hostname or "").rstrip(".").removeprefix("www.")
        if ":" in host:  # an IPv6 address keeps its brackets
            host = f"[{host}]"
        port = parts.port
        if port is not None and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
            host = f"{host}:{port}"
    except ValueError:  # a port that is not one: kept as written, it is part of what names the page
        host = host_and_port.lower().removeprefix("www.")
    where = f"{user}@{host}" if user else host
    path = parts.path.rstrip("/")
    kept = [pair for pair in parts.query.split("&") if pair and not _is_tracking(pair)]
    kept.sort(key=lambda pair: pair.partition("=")[0])  # stable: repeated names keep their order
    return where + path + ("?" + "&".join(kept) if kept else "")


def _is_tracking(pair: str) -> bool:
    name = unquote(pair.partition("=")[0]).lower()
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIX)
