"""Webhook delivery: signed POSTs from a background thread, with retries and the switches that
make a receiver prove it copes with duplicates, disorder and delay."""

import hashlib
import hmac
import json
import random
import threading
import time
import urllib.error
import urllib.request

from .state import new_id


def sign(payload, secret, timestamp):
    """The ``Stripe-Signature`` header value that ``stripe.Webhook.construct_event`` verifies."""
    signed = f"{timestamp}.{payload}".encode()
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class Deliverer:
    """Queues one delivery per (event, endpoint) and sends them.

    ``backoff`` is the wait after the first failure, doubling after each further one, up to
    ``max_attempts`` attempts. ``delay`` holds each new delivery back that many seconds.
    ``reorder`` ("shuffle" or "reverse") sends each batch of due deliveries in that order;
    ``batch_window`` seconds collect a batch before it is sent.
    """

    def __init__(self, backoff=1.0, max_attempts=6, timeout=5.0, batch_window=0.05, seed=None):
        self.backoff = backoff
        self.max_attempts = max_attempts
        self.timeout = timeout
        self.batch_window = batch_window
        self.random = random.Random(seed)
        self.lock = threading.Lock()  # guards the queues below
        self.send_lock = threading.Lock()  # one sender at a time: the thread or flush()
        self.wake = threading.Condition(self.lock)
        self.endpoints = {}
        self.deliveries = []
        self.duplicate = False
        self.reorder = None
        self.paused = False
        self.delay = 0.0
        self.clock = time.time
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="stripe-emulator-webhooks", daemon=True)
        self._thread.start()

    # -- configuration -----------------------------------------------------------------------

    def add_endpoint(self, url, secret=None, connect=None, enabled_events=("*",)):
        """Register a receiver; ``connect`` True/False limits it to Connect/platform events."""
        endpoint = {
            "id": new_id("we_"),
            "url": url,
            "secret": secret or new_id("whsec_", 32),
            "connect": connect,
            "enabled_events": list(enabled_events or ("*",)),
        }
        with self.lock:
            self.endpoints[endpoint["id"]] = endpoint
        return dict(endpoint)

    def remove_endpoint(self, endpoint_id):
        with self.lock:
            return self.endpoints.pop(endpoint_id, None) is not None

    def configure(self, duplicate=None, reorder=None, paused=None, delay=None):
        with self.lock:
            if delay is not None:
                self.delay = float(delay)
            if duplicate is not None:
                self.duplicate = bool(duplicate)
            if reorder is not None:
                if reorder not in ("shuffle", "reverse", "none", ""):
                    raise ValueError("reorder must be 'shuffle', 'reverse' or 'none'")
                self.reorder = reorder if reorder in ("shuffle", "reverse") else None
            if paused is not None:
                self.paused = bool(paused)
            self.wake.notify_all()
            return {
                "duplicate": self.duplicate,
                "reorder": self.reorder,
                "paused": self.paused,
                "delay": self.delay,
            }

    def reset(self):
        with self.lock:
            self.endpoints.clear()
            self.deliveries.clear()
            self.duplicate, self.reorder, self.paused, self.delay = False, None, False, 0.0

    # -- queueing and sending ------------------------------------------------------------------

    def enqueue(self, event):
        with self.lock:
            targets = [e for e in self.endpoints.values() if self._wants(e, event)]
            event["pending_webhooks"] = len(targets)
            payload = json.dumps(event, indent=2)
            for endpoint in targets:
                for _ in range(2 if self.duplicate else 1):
                    self.deliveries.append(
                        {
                            "id": new_id("whd_"),
                            "event": event["id"],
                            "type": event["type"],
                            "endpoint": endpoint["id"],
                            "url": endpoint["url"],
                            "payload": payload,
                            "status": "pending",
                            "attempts": [],
                            "next_attempt": self.clock() + self.delay,
                        }
                    )
            self.wake.notify_all()

    @staticmethod
    def _wants(endpoint, event):
        is_connect = "account" in event
        if endpoint["connect"] is not None and endpoint["connect"] != is_connect:
            return False
        return any(p == "*" or p == event["type"] for p in endpoint["enabled_events"])

    def pending(self):
        with self.lock:
            return [d for d in self.deliveries if d["status"] == "pending"]

    def flush(self):
        """Attempt every pending delivery once now, backoff or pause notwithstanding."""
        with self.send_lock:
            with self.lock:
                batch = self._ordered([d for d in self.deliveries if d["status"] == "pending"])
            for delivery in batch:
                self._attempt(delivery)
        return len(batch)

    def wait_idle(self, timeout=5.0):
        """Block until nothing is pending (True) or ``timeout`` passes (False)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.pending():
                with self.send_lock:  # and no attempt is still in flight
                    if not self.pending():
                        return True
            time.sleep(0.01)
        return False

    def stop(self):
        with self.lock:
            self._stop = True
            self.wake.notify_all()
        self._thread.join(timeout=2)

    def _ordered(self, batch):
        if self.reorder == "reverse":
            return list(reversed(batch))
        if self.reorder == "shuffle":
            batch = list(batch)
            self.random.shuffle(batch)
        return batch

    def _run(self):
        while True:
            with self.lock:
                while not self._stop and (self.paused or not self._due()):
                    waits = [d["next_attempt"] - self.clock() for d in self.deliveries if d["status"] == "pending"]
                    self.wake.wait(timeout=None if self.paused or not waits else max(min(waits), 0.01))
                if self._stop:
                    return
                window = self.batch_window if self.reorder else 0
            if window:
                time.sleep(window)  # let a batch gather so reordering has something to reorder
            with self.send_lock:
                with self.lock:
                    if self.paused:
                        continue
                    batch = self._ordered(self._due())
                for delivery in batch:
                    if delivery["status"] == "pending":
                        self._attempt(delivery)

    def _due(self):
        now = self.clock()
        return [d for d in self.deliveries if d["status"] == "pending" and d["next_attempt"] <= now]

    def _attempt(self, delivery):
        with self.lock:
            endpoint = self.endpoints.get(delivery["endpoint"])
        if endpoint is None:
            delivery["status"] = "abandoned"
            return
        timestamp = int(time.time())
        request = urllib.request.Request(
            endpoint["url"],
            data=delivery["payload"].encode(),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                "Stripe-Signature": sign(delivery["payload"], endpoint["secret"], timestamp),
            },
        )
        status, error = None, None
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except (OSError, ValueError) as exc:
            error = str(exc)
        with self.lock:
            delivery["attempts"].append({"at": time.time(), "status": status, "error": error})
            if status is not None and 200 <= status < 300:
                delivery["status"] = "succeeded"
            elif len(delivery["attempts"]) >= self.max_attempts:
                delivery["status"] = "failed"
            else:
                delivery["next_attempt"] = self.clock() + self.backoff * 2 ** (len(delivery["attempts"]) - 1)
