"""An event answered 204 is never lost: gunicorn, run with the repository's gunicorn.conf.py,
is stopped (SIGTERM, as a deploy does) while eight clients are sending, and every batch it
acknowledged is found in the database.

The collector answers from the worker's buffer, which is written every
CLICKSTREAM_FLUSH_SECONDS and when the worker stops; here the interval is long (30 s), so
what is stored can only have come from the flush on shutdown.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import func, select

from bkm import ROOT
from bkm.clickstream.models import ClickEvent
from bkm.consent.choice import Choice, encode_choice
from bkm.consent.policy import current_version
from bkm.extensions import db

BATCH = 5
UA = "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn stopped while starting"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/helse")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
        finally:
            connection.close()
    raise AssertionError("gunicorn did not start")


def test_stopping_gunicorn_mid_load_loses_no_acknowledged_event(app, database_url, tmp_path):
    version = current_version().version  # the workers read the same statement version
    db.session.commit()
    with app.test_request_context():
        consent = encode_choice(Choice("c" * 32, frozenset({"statistics"}), version))
    cookie = f"bkm_samtykke={consent}; bkm_besok={'d' * 32}"
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("BKM_")},
        "BKM_DATABASE_URL": database_url,
        "BKM_SECRET_KEY": app.config["SECRET_KEY"],
        "BKM_MEDIA_DIR": str(tmp_path / "media"),
        "BKM_MAIL_DIR": str(tmp_path / "mail"),
        "BKM_COLLECT_RATE_LIMIT": "1000000/minute",
        "BKM_CLICKSTREAM_FLUSH_SECONDS": "30",
        "BKM_SQLITE_BUSY_TIMEOUT_MS": "30000",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "-c",
            "gunicorn.conf.py",  # the repository's own settings, as deployed
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_up(port, server)
        acknowledged = load_until_stopped(port, cookie, server)
        _, errors = server.communicate(timeout=40)
        assert server.returncode == 0, errors.decode()[-2000:]
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()

    assert len(acknowledged) >= 40
    db.session.expire_all()
    stored = dict(
        db.session.execute(
            select(ClickEvent.product_id, func.count()).group_by(ClickEvent.product_id)
        ).all()
    )
    missing = [batch for batch in acknowledged if stored.get(batch) != BATCH]
    assert missing == [], f"{len(missing)} of {len(acknowledged)} acknowledged batches were lost"


def load_until_stopped(port: int, cookie: str, server: subprocess.Popen) -> list[int]:
    numbers = itertools.count(1)
    acknowledged: list[int] = []
    lock = threading.Lock()
    stop = threading.Event()

    def shopper() -> None:
        while not stop.is_set():
            batch = next(numbers)
            event = {"type": "product_click", "path": "/", "product_id": batch}
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                connection.request(
                    "POST",
                    "/collect",
                    body=json.dumps({"events": [event] * BATCH}),
                    headers={
                        "Content-Type": "application/json",
                        "Origin": f"http://127.0.0.1:{port}",
                        "Cookie": cookie,
                        "User-Agent": UA,
                    },
                )
                status = connection.getresponse().status
            except OSError:
                time.sleep(0.01)
                continue  # refused or cut off while stopping: not acknowledged
            finally:
                connection.close()
            if status == 204:
                with lock:
                    acknowledged.append(batch)

    shoppers = [threading.Thread(target=shopper) for _ in range(8)]
    for thread in shoppers:
        thread.start()
    deadline = time.monotonic() + 20
    while len(acknowledged) < 200 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.send_signal(signal.SIGTERM)  # mid-load: the shoppers are still sending
    server.wait(timeout=40)
    stop.set()
    for thread in shoppers:
        thread.join(10)
    return acknowledged
