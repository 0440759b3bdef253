"""A 204 from /collect means stored: stopping the server mid-load loses no answered event.

The collector acknowledges only after its transaction commits, so this runs a real threaded
server, lets eight clients send batches, shuts the server down while they are at it, and
then finds every batch that got a 204 in the database.
"""

from __future__ import annotations

import http.client
import itertools
import json
import threading
import time

from sqlalchemy import func, select
from werkzeug.serving import make_server

from bkm.clickstream.models import ClickEvent
from bkm.extensions import db
from tests.client import ShopClient
from tests.consent.helpers import choose

BATCH = 5


def test_stopping_the_server_mid_load_loses_no_acknowledged_event(app_factory):
    app = app_factory(COLLECT_RATE_LIMIT="1000000/minute", CLICKSTREAM_RECORDING=False)
    app.test_client_class = ShopClient
    with app.app_context():
        browser = app.test_client()
        choose(browser, "godta-alle")
        cookie = "; ".join(
            f"{name}={browser.get_cookie(name).value}" for name in ("bkm_samtykke", "bkm_besok")
        )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    port = server.server_port
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()

    numbers = itertools.count(1)
    acknowledged: list[int] = []
    lock = threading.Lock()
    stop = threading.Event()

    def shopper() -> None:
        while not stop.is_set():
            batch = next(numbers)
            body = json.dumps(
                {"events": [{"type": "product_click", "path": "/", "product_id": batch}] * BATCH}
            )
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request(
                    "POST",
                    "/collect",
                    body=body,
                    headers={
                        "Content-Type": "application/json",
                        "Origin": f"http://127.0.0.1:{port}",
                        "Cookie": cookie,
                        "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0",
                    },
                )
                status = connection.getresponse().status
                connection.close()
            except OSError:
                continue  # refused or cut off: not acknowledged
            if status == 204:
                with lock:
                    acknowledged.append(batch)

    shoppers = [threading.Thread(target=shopper) for _ in range(8)]
    for thread in shoppers:
        thread.start()
    deadline = time.monotonic() + 10
    while len(acknowledged) < 40 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.shutdown()  # mid-load: the shoppers are still sending
    server.server_close()
    stop.set()
    for thread in shoppers:
        thread.join(10)

    assert len(acknowledged) >= 40
    with app.app_context():
        stored = dict(
            db.session.execute(
                select(ClickEvent.product_id, func.count()).group_by(ClickEvent.product_id)
            ).all()
        )
    missing = [batch for batch in acknowledged if stored.get(batch) != BATCH]
    assert missing == [], f"{len(missing)} acknowledged batches were not stored"
