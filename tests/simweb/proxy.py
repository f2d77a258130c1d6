"""A forward HTTP proxy in front of the simulated web, for clients without `--connect-to`.

lychee (and anything else that honours `HTTPS_PROXY`/`HTTP_PROXY`) reaches simulated hosts
through it: `CONNECT host:443` is tunnelled to the TLS port, an absolute-form
`GET http://host/...` is forwarded to the HTTP port. A refused host's tunnel is refused and
an unmapped host answers 502, as a real proxy does when the upstream connect fails.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from urllib.parse import urlsplit

# Given a host and port the client asked for, where to connect: (address, port), or None
# when the name does not resolve.
Route = Callable[[str, int], "tuple[str, int] | None"]

_MAX_HEAD = 64 * 1024


async def handle_proxy_client(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    route: Route,
    *,
    log: Callable[[tuple[str, str]], None] | None = None,
) -> None:
    """Serve one proxy client connection (one CONNECT tunnel or one forwarded request).

    `log` is told (method, target) of every request the proxy reads.
    """
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        writer.close()
        return
    request_line, _, rest = head.partition(b"\r\n")
    try:
        method, target, version = request_line.decode("latin-1").split(" ", 2)
    except ValueError:
        await _reply(writer, 400, "Bad Request")
        return
    if log is not None:
        log((method.upper(), target))
    if method.upper() == "CONNECT":
        host, _, port_text = target.rpartition(":")
        port = int(port_text) if port_text.isdigit() else 443
        upstream = await _open(route, host, port)
        if upstream is None:
            await _reply(writer, 502, "Bad Gateway")
            return
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await _pipe_both(reader, writer, *upstream)
        return
    parts = urlsplit(target)
    if parts.scheme != "http" or not parts.hostname:
        await _reply(writer, 400, "Bad Request")
        return
    upstream = await _open(route, parts.hostname, parts.port or 80)
    if upstream is None:
        await _reply(writer, 502, "Bad Gateway")
        return
    origin_form = parts.path or "/"
    if parts.query:
        origin_form += f"?{parts.query}"
    # One request per connection: the next one on a kept-alive connection could be for
    # another host, so close after it.
    headers = [
        line
        for line in rest.split(b"\r\n")
        if line
        and line.split(b":", 1)[0].strip().lower() not in (b"connection", b"proxy-connection")
    ]
    new_head = b"\r\n".join(
        [f"{method} {origin_form} {version}".encode("latin-1"), *headers, b"Connection: close"]
    )
    up_reader, up_writer = upstream
    up_writer.write(new_head + b"\r\n\r\n")
    await _pipe_both(reader, writer, up_reader, up_writer)


async def _open(
    route: Route, host: str, port: int
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
    destination = route(host.strip("[]").lower().rstrip("."), port)
    if destination is None:
        return None
    try:
        return await asyncio.open_connection(*destination)
    except OSError:
        return None


async def _reply(writer: asyncio.StreamWriter, status: int, reason: str) -> None:
    writer.write(
        f"HTTP/1.1 {status} {reason}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode()
    )
    with contextlib.suppress(ConnectionError):
        await writer.drain()
    writer.close()


async def _pipe_both(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    up_reader: asyncio.StreamReader,
    up_writer: asyncio.StreamWriter,
) -> None:
    try:
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
    finally:
        for w in (writer, up_writer):
            w.close()


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(OSError, RuntimeError):
            if sink.can_write_eof():
                sink.write_eof()
