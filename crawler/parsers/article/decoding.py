"""Bytes -> text for HTML whose declared charset may be wrong (see ``decode_html``)."""

from __future__ import annotations

import logging
import re

from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

logger = logging.getLogger(__name__)

_SINGLE_BYTE = {"cp1252", "latin-1", "iso8859-1", "ascii", "cp1251", "cp1254", "cp874", "mac-roman"}
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def _codec(label: str | None) -> str | None:
    """A Python codec name for a charset label; gb2312/gbk/zh-cn -> gb18030 (a superset)."""
    if not label:
        return None
    name = resolve_encoding(label.strip().strip("\"'"))
    if name in {"gb2312", "gbk", "hz"}:
        name = "gb18030"
    return name


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding, errors="strict")
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(body: bytes, content_type: str | None) -> tuple[str, str, bool]:
    """Decode an HTML body whose declared charset may be wrong.

    Candidates in order: BOM, the HTTP header's charset, the ``<meta>`` charset, utf-8, gb18030;
    the first that decodes strictly wins (gb2312/gbk are read as gb18030, their superset). One
    exception: when a declared single-byte charset (latin-1/cp1252/ascii...) would win but the body
    is valid UTF-8 with multibyte sequences in it, UTF-8 wins (a legacy text is practically never
    valid UTF-8 by accident, and cp1252 decodes almost anything into mojibake).

    Returns (text, encoding_used, header_lied); header_lied is True when the Content-Type header
    named a charset and a different one was used. Nothing decodes? gb18030 with replacement.
    """
    if not body:
        return "", "utf-8", False
    header = _codec(http_content_type_encoding(content_type)) if content_type else None
    bom_encoding, bom = read_bom(body)
    if bom_encoding:
        text = _strict(body[len(bom) :], _codec(bom_encoding) or bom_encoding)
        if text is not None:
            used = _codec(bom_encoding) or bom_encoding
            return text, used, bool(header and header != used)
    meta = _codec(html_body_declared_encoding(body))
    has_utf8 = _UTF8_MULTIBYTE.search(body) is not None
    for candidate in dict.fromkeys(c for c in (header, meta, "utf-8", "gb18030") if c):
        text = _strict(body, candidate)
        if text is None:
            continue
        if candidate in _SINGLE_BYTE and has_utf8:
            utf8 = _strict(body, "utf-8")
            if utf8 is not None:
                logger.debug("declared %s but body is valid utf-8", candidate)
                text, candidate = utf8, "utf-8"
        return text, candidate, bool(header and header != candidate)
    logger.debug("no strict decoding worked; gb18030 with replacement")
    return body.decode("gb18030", errors="replace"), "gb18030", bool(header and header != "gb18030")
