"""A real HTTP receiver on loopback that records what it is sent, for testing outgoing calls
(webhooks) without mocks:

    with http_receiver() as receiver:          # or the `receiver` fixture
        receiver.respond_with(500, 200)        # answers in turn; the last one repeats
        ... post to receiver.url + "/hooks" ...
        request = receiver.wait_for(1)[0]      # .method .path .headers .body .json()
"""

from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


class _Quiet(WSGIRequestHandler):
    def log_request(self, code="-", size="-") -> None:
        pass


@dataclass
class Receiver:
    url: str = ""
    requests: list[Recorded] = field(default_factory=list)  # answered
    arrivals: list[Recorded] = field(default_factory=list)  # arrived, answered or not yet
    _answers: list[tuple[int, str]] = field(default_factory=lambda: [(200, "ok")])
    _delay: float = 0.0
    _lock: threading.Condition = field(default_factory=threading.Condition)

    def respond_with(self, *answers: int | tuple[int, str], delay: float = 0.0) -> None:
        """Answer the next requests with these statuses (or (status, body)) in turn; the last repeats."""
        self._answers = [a if isinstance(a, tuple) else (a, f"answer {a}") for a in answers]
        self._delay = delay

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Recorded]:
        """The first `count` requests, waiting for them to arrive. Raises AssertionError on timeout."""
        with self._lock:
            if not self._lock.wait_for(lambda: len(self.requests) >= count, timeout):
                raise AssertionError(f"expected {count} requests, got {len(self.requests)}")
            return list(self.requests[:count])

    def wait_for_arrivals(self, count: int, timeout: float = 10.0) -> list[Recorded]:
        """The first `count` requests to arrive, before their answer is sent."""
        with self._lock:
            if not self._lock.wait_for(lambda: len(self.arrivals) >= count, timeout):
                raise AssertionError(f"expected {count} requests to arrive, got {len(self.arrivals)}")
            return list(self.arrivals[:count])

    def __call__(self, environ, start_response):
        request = Request(environ)
        recorded = Recorded(request.method, request.full_path.rstrip("?"), dict(request.headers), request.get_data())
        with self._lock:
            index = len(self.requests)
            status, body = self._answers[min(index, len(self._answers) - 1)]
            delay = self._delay
            self.arrivals.append(recorded)
            self._lock.notify_all()
        if delay:
            time.sleep(delay)
        with self._lock:
            self.requests.append(recorded)
            self._lock.notify_all()
        return Response(body, status=status, mimetype="text/plain")(environ, start_response)


@contextmanager
def http_receiver():
    receiver = Receiver()
    server = make_server("127.0.0.1", 0, receiver, threaded=True, request_handler=_Quiet)
    receiver.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
