"""The raw archive's files: where they live and how to read them.

Writing is crawler/middlewares/archive.py (one WARC per run, ``<ARCHIVE_DIR>/<run_id>.warc.gz``);
replay (crawler/middlewares/replay.py, crawler/ops/replay.py) and takedowns (crawler/ops/forget.py)
read them through the functions here.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from pathlib import Path

logger = logging.getLogger(__name__)

SKIP_HEADERS = {b"transfer-encoding"}  # the body is stored de-chunked


# Never archived: credentials travel in these headers, query parameters and exchanges.
SECRET_HEADERS = {b"authorization", b"proxy-authorization", b"cookie", b"set-cookie", b"x-api-key", b"x-goog-api-key"}
SECRET_PARAMS = {"key", "api_key", "apikey", "access_token", "token", "client_secret", "client_key", "password"}
CREDENTIAL_PATHS = (
    "/xrpc/com.atproto.server.createSession",
    "/xrpc/com.atproto.server.refreshSession",
    "/v2/oauth/token/",
    "/api/v1/access_token",
    "/oauth/token",
)
REDACTED = "REDACTED"


def redact_url(url: str) -> str:
    """The URL with the values of credential query parameters (``key=``, ``access_token=``...)
    replaced, as it is archived (and looked up on replay)."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not any(k.lower() in SECRET_PARAMS for k, _ in pairs):
        return url
    safe = [(k, REDACTED if k.lower() in SECRET_PARAMS else v) for k, v in pairs]
    return urlunsplit(parts._replace(query=urlencode(safe)))


def is_credential_exchange(request) -> bool:
    """A login or token request: neither it nor its answer (which holds the token) is archived."""
    from urllib.parse import urlsplit

    return bool(request.meta.get("dont_archive")) or urlsplit(request.url).path.endswith(CREDENTIAL_PATHS)


def header_pairs(headers) -> list[tuple[str, str]]:
    """Headers as archived: de-chunked, and without any credential header."""
    out = []
    for name, values in headers.items():
        if name.lower() in SKIP_HEADERS or name.lower() in SECRET_HEADERS:
            continue
        for value in values:
            out.append((name.decode("latin-1"), value.decode("latin-1")))
    return out


def archive_dir(settings) -> Path:
    """ARCHIVE_DIR, or archive/ next to the database when it is empty."""
    from crawler.storage.store import path_from_settings

    configured = settings.get("ARCHIVE_DIR")
    if configured:
        return Path(configured)
    return Path(path_from_settings(settings)).resolve().parent / "archive"


def is_robots(request) -> bool:
    return request.meta.get("dont_obey_robotstxt") and request.url.endswith("/robots.txt")


def reason_phrase(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def read_warc(path: str | Path) -> tuple[dict, dict[str, list[dict]]]:
    """(warcinfo fields, url -> archived responses in order). A truncated tail is tolerated."""
    from warcio.archiveiterator import ArchiveIterator

    info: dict = {}
    responses: dict[str, list[dict]] = defaultdict(list)
    with open(path, "rb") as fh:
        try:
            for record in ArchiveIterator(fh):
                if record.rec_type == "warcinfo" and not info:
                    for line in record.content_stream().read().decode("utf-8").splitlines():
                        if ":" in line:
                            k, v = line.split(":", 1)
                            info[k.strip()] = v.strip()
                elif record.rec_type == "response":
                    http = record.http_headers
                    responses[record.rec_headers.get_header("WARC-Target-URI")].append(
                        {
                            "id": record.rec_headers.get_header("WARC-Record-ID"),
                            "status": int(http.get_statuscode()),
                            "headers": list(http.headers),
                            "body": record.raw_stream.read(),
                        }
                    )
        except Exception as exc:  # a run killed mid-record: everything before it is usable
            logger.warning("%s ends with an incomplete record (%s); replaying what precedes it", path, exc)
    return info, dict(responses)


SCAN_CAP = 64 * 1024 * 1024  # decoded bytes read per record at most (an archived gzip bomb stays a bomb)
_CHUNK = 1 << 20


def stream_contains(stream, needles: list[bytes], cap: int = SCAN_CAP) -> bool:
    """Whether a readable stream holds a needle, read in 1 MiB chunks (never more than ``cap``)."""
    keep = max((len(n) for n in needles), default=1) - 1
    tail, read = b"", 0
    while read < cap:
        chunk = stream.read(min(_CHUNK, cap - read))
        if not chunk:
            return False
        read += len(chunk)
        buf = tail + chunk
        if any(n in buf for n in needles):
            return True
        tail = buf[-keep:] if keep > 0 else b""
    logger.warning("stopped scanning an archived record after %d MiB (decompressed)", cap >> 20)
    return False


def warc_files_holding(archive_dir: str | Path, needles: list[str]) -> list[Path]:
    """WARC files under archive_dir with a record whose URL or (decoded) payload contains a needle.
    Payloads are read as streams with a cap (``SCAN_CAP``), so memory stays bounded."""
    from warcio.archiveiterator import ArchiveIterator

    root = Path(archive_dir)
    if not root.is_dir():
        return []
    raw = [n.encode("utf-8") for n in needles if n]
    # JSON payloads escape "/" as "\/" sometimes and non-ASCII as \uXXXX: look for those spellings too
    raw += [json.dumps(n).strip('"').encode() for n in needles if n]
    found = []
    for path in sorted(root.glob("*.warc.gz")):
        try:
            with open(path, "rb") as fh:
                for record in ArchiveIterator(fh):
                    if record.rec_type not in ("response", "request"):
                        continue
                    uri = (record.rec_headers.get_header("WARC-Target-URI") or "").encode()
                    if any(n in uri for n in raw) or (
                        record.rec_type == "response" and stream_contains(record.content_stream(), raw)
                    ):
                        found.append(path)
                        break
        except Exception as exc:  # a truncated last record (killed run): what was read counts
            logger.debug("stopped reading %s: %s", path, exc)
    return found
