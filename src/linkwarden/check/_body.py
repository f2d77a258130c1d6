"""Reading a response body we can afford: capped, and decoded one layer at a time.

httpx decodes `Content-Encoding` itself, one network chunk at a time and without a limit:
a 1.9 KB body sent as `Content-Encoding: gzip, gzip` decodes to 2.1 GB in one piece. So the
checker reads the raw bytes and undoes the encodings here, every layer's output bounded
(`CHUNK` at a time, pulled only while the final output is short of what a verdict needs),
and stops at `limit` decoded bytes. We ask for `gzip, deflate` only (`ACCEPT_ENCODING`);
a body in an encoding we cannot undo is reported, not guessed at.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator

import httpx

ACCEPT_ENCODING = "gzip, deflate"
CHUNK = 16 * 1024  # the most one layer hands on at a time


class BodyDecodeError(Exception):
    """The body cannot be decoded (an unknown encoding, or corrupt data)."""


class _Layer:
    """One Content-Encoding being undone: compressed input in, bounded output out."""

    def __init__(self, encoding: str) -> None:
        wbits = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS}.get(encoding)
        if wbits is None and encoding != "deflate":
            raise BodyDecodeError(f"unsupported Content-Encoding {encoding!r}")
        self._encoding = encoding
        # deflate: zlib-wrapped, as the standard says (auto-detects a gzip header too).
        self._inflate = zlib.decompressobj(wbits or zlib.MAX_WBITS | 32)
        self._pending = b""

    def push(self, data: bytes) -> None:
        self._pending += data

    def pull(self) -> bytes:
        """Up to CHUNK decoded bytes from what was pushed (b"": it needs more input)."""
        if not self._pending:
            return b""
        try:
            out = self._inflate.decompress(self._pending, CHUNK)
        except zlib.error as exc:
            raise BodyDecodeError(f"corrupt {self._encoding} body: {exc}") from None
        self._pending = self._inflate.unconsumed_tail
        return out


def _layers(headers: httpx.Headers) -> list[_Layer]:
    """The encodings to undo, the last one applied first."""
    names = [
        name.strip().lower()
        for value in headers.get_list("content-encoding")
        for name in value.split(",")
        if name.strip() and name.strip().lower() != "identity"
    ]
    return [_Layer(name) for name in reversed(names)]


def _pump(layers: list[_Layer], need: int) -> bytes:
    """Decoded output (at most `need` + CHUNK bytes) from what the layers hold now."""
    out = bytearray()
    while len(out) < need:
        # The deepest layer that has something goes first, so no layer's input piles up.
        for depth in range(len(layers) - 1, -1, -1):
            chunk = layers[depth].pull()
            if chunk:
                if depth == len(layers) - 1:
                    out += chunk
                else:
                    layers[depth + 1].push(chunk)
                break
        else:
            break  # every layer needs more input
    return bytes(out)


async def _raw(response: httpx.Response) -> AsyncIterator[bytes]:
    if response.is_stream_consumed:  # built in memory (httpx.MockTransport): already read
        yield response.content
        return
    async for raw in response.aiter_raw():
        yield raw


async def read_decoded(response: httpx.Response, limit: int) -> bytes:
    """At most `limit` bytes of the decoded body; BodyDecodeError if it cannot be decoded."""
    if response.is_stream_consumed:  # built in memory (httpx.MockTransport): decoded
        return response.content[:limit]
    layers = _layers(response.headers)
    out = bytearray()
    async for raw in response.aiter_raw():
        if not layers:
            out += raw
        else:
            layers[0].push(raw)
            out += _pump(layers, limit - len(out))
        if len(out) >= limit:
            break  # closing the stream now drops the rest unread
    return bytes(out[:limit])


async def drain(response: httpx.Response, limit: int) -> None:
    """Read (and drop) at most `limit` raw bytes, so a small body frees its connection."""
    size = 0
    async for raw in _raw(response):
        size += len(raw)
        if size >= limit:
            break
