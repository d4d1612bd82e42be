"""A small HTTP client for WebDAV over the standard library: one kept-alive connection to the
one server an account names, and nowhere else."""

from __future__ import annotations

import base64
import http.client
import ssl
import urllib.parse
from dataclasses import dataclass, field

# Seconds to wait for the server before calling it unreachable (a large address book's
# first listing can take a slow server half a minute).
TIMEOUT = 90.0
_REDIRECTS = (301, 302, 303, 307, 308)


class SyncError(Exception):
    """A sync that could not go on, in words for the user."""


class Offline(SyncError):
    """The server could not be reached (no network, the server down): a quiet state."""


class OtherServer(SyncError):
    """The server pointed to another host; NetDesk talks only to the server that was added."""


@dataclass(slots=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    url: str  # the URL answered (after redirects on the same server)

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass
class Client:
    """Requests to one server (scheme, host and port of `base_url`), with Basic
    authentication when a user name is given."""

    base_url: str
    username: str = ""
    password: str = ""
    timeout: float = TIMEOUT
    _conn: http.client.HTTPConnection | None = field(default=None, repr=False)
    requests: int = 0

    def __post_init__(self) -> None:
        parts = urllib.parse.urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SyncError(f"{self.base_url} is not a web address (http:// or https://)")
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)

    @property
    def origin(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}" + ("" if self.port == default else f":{self.port}")

    def url(self, href: str) -> str:
        """An href from the server (a path, or a full URL) as a full URL on this server."""
        return urllib.parse.urljoin(self.origin + "/", href)

    def same_server(self, url: str) -> bool:
        parts = urllib.parse.urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return (parts.scheme, parts.hostname, port) == (self.scheme, self.host, self.port)

    def another(self) -> Client:
        """A second connection to the same server, with the same credentials."""
        return type(self)(self.base_url, self.username, self.password, self.timeout)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            if self.scheme == "https":
                self._conn = http.client.HTTPSConnection(
                    self.host, self.port, timeout=self.timeout,
                    context=ssl.create_default_context(),
                )
            else:
                self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._conn

    def request(
        self,
        method: str,
        url: str,
        *,
        body: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        follow: bool = True,
    ) -> Response:
        """One request; redirects are followed only on the same server."""
        for _ in range(6):
            url = self.url(url)
            if not self.same_server(url):
                raise OtherServer(
                    f"the server sent NetDesk to {urllib.parse.urlsplit(url).netloc}, which is "
                    f"not {urllib.parse.urlsplit(self.origin).netloc}; add that server instead"
                )
            response = self._once(method, url, body, headers or {})
            if follow and response.status in _REDIRECTS and response.header("location"):
                url = urllib.parse.urljoin(url, response.header("location"))
                if response.status == 303:
                    method, body = "GET", None
                continue
            return response
        raise SyncError(f"{self.origin} redirected too many times")

    def _once(
        self, method: str, url: str, body: bytes | str | None, headers: dict[str, str]
    ) -> Response:
        parts = urllib.parse.urlsplit(url)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        data = body.encode("utf-8") if isinstance(body, str) else body
        sent = {"User-Agent": "NetDesk", **headers}
        if self.username or self.password:
            token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode("ascii")
            sent["Authorization"] = f"Basic {token}"
        if data is not None:
            sent["Content-Length"] = str(len(data))
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request(method, path, body=data, headers=sent)
                raw = conn.getresponse()
                payload = raw.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                # A kept-alive connection the server closed meanwhile: once more, afresh.
                self.close()
                if attempt == 2:
                    raise Offline(f"{self.origin} closed the connection ({exc})") from exc
                continue
            except TimeoutError as exc:
                self.close()
                raise Offline(f"{self.origin} did not answer in {self.timeout:g} s") from exc
            except ssl.SSLError as exc:
                self.close()
                raise SyncError(f"a secure connection to {self.origin} failed ({exc})") from exc
            except OSError as exc:
                self.close()
                raise Offline(f"{self.origin} cannot be reached ({exc.strerror or exc})") from exc
            self.requests += 1
            if raw.will_close:
                self.close()
            found = {k.lower(): v for k, v in raw.getheaders()}
            return Response(raw.status, found, payload, url)
        raise AssertionError("unreachable")
