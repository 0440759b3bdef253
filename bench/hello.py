"""The baseline: a bare Flask hello-world, served by the same gunicorn setup as the shop.

Whatever this app reaches in requests/second is the ceiling of Flask + gunicorn + wrk on
this machine; the shop's pages are judged as a fraction of it.
"""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
