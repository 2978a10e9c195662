"""Whether `serve` can listen on its address: found out before it seeds or prints anything.

uvicorn binds only after the banner was printed (and the demo data seeded), and reports a taken
port as a log line among others. Binding here first, the way uvicorn will (SO_REUSEADDR, every
address the host resolves to), turns that into one line before anything else happens. The socket
is closed again at once: uvicorn's supervisor of several workers takes no socket handed to it
the same way in every version, so a port taken in the moment between is still uvicorn's to report.
"""

from __future__ import annotations

import errno
import socket


def base_url(host: str, port: int) -> str:
    """The server's URL (an IPv6 address bracketed)."""
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def listen_problem(host: str, port: int) -> str | None:
    """Why nothing can listen on host:port now (one line), or None when it can."""
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        return f"cannot listen on {host}: the host name does not resolve ({exc.strerror})"
    for family, kind, proto, _name, address in addresses:
        with socket.socket(family, kind, proto) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:  # as asyncio binds it: IPv6 only, IPv4 on its own
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                sock.bind(address)
                sock.listen()
            except OSError as exc:
                if exc.errno == errno.EADDRNOTAVAIL and family == socket.AF_INET6:
                    continue  # no IPv6 on this machine: asyncio skips that address too
                if exc.errno == errno.EADDRINUSE:
                    return (
                        f"port {port} on {host} is in use: stop what listens there, or choose "
                        "another port (--port N; make serve PORT=N)"
                    )
                return f"cannot listen on {host} port {port}: {exc.strerror or exc}"
    return None
