"""A D-Bus connection (jeepney) read inside Qt's event loop: a QSocketNotifier says the socket
is readable, and every whole message read is handed on. The notifier (session bus) and the
resume watch (system bus) both read their connection this way."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


def read_messages(
    sock: socket.socket,
    parser: Any,
    dispatch: Callable[[Any], None],
    closed: Callable[[], None],
    who: str,
) -> None:
    """Read what the non-blocking `sock` holds, feed `parser` (jeepney's Parser) and hand each
    whole message to `dispatch`; when the bus hangs up, say so (as `who`) and call `closed`."""
    while True:
        try:
            data = sock.recv(65536)
        except BlockingIOError:
            break
        except OSError:
            data = b""
        if not data:
            log.warning("%s: the bus closed the connection", who)
            closed()
            return
        parser.add_data(data)
    while (message := parser.get_next_message()) is not None:
        dispatch(message)
