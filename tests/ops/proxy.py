"""A TCP proxy on 127.0.0.1 that can be cut: PostgreSQL "unreachable" without touching it.

The fault test points the platform's ``DATABASE_URL`` at this proxy instead of the
shared PostgreSQL cluster. :meth:`TcpProxy.cut` closes every open connection and
refuses new ones (connection refused), as a database host that went away does;
:meth:`TcpProxy.restore` listens again.
"""

from __future__ import annotations

import contextlib
import socket
import threading

from tests.integration_support import free_port

HOST = "127.0.0.1"


class TcpProxy:
    """Forward ``127.0.0.1:port`` to ``target``; see the module."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._server: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((HOST, self.port))
        server.listen(128)
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return  # cut
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            with self._lock:
                self._sockets.discard(source)
                self._sockets.discard(sink)

    def cut(self) -> None:
        """Refuse new connections and reset every open one."""
        if self._server is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone does not,
            # and the socket would go on accepting.
            with contextlib.suppress(OSError):
                self._server.shutdown(socket.SHUT_RDWR)
            self._server.close()
            self._server = None
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def restore(self) -> None:
        if self._server is None:
            self.start()

    def stop(self) -> None:
        self.cut()
