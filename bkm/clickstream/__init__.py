"""The clickstream: anonymous visit recording (R2.2, R6.1, R6.2).

It never imports what knows a person (accounts, orders, personal): tests/test_architecture.py
keeps it so. Pages are recorded on the server after each response (recording.py); the
visitor's script sends what only the browser knows to POST /collect (collect.py).
"""

from flask import Blueprint, Flask, Response, request

bp = Blueprint("clickstream", __name__)

from bkm.clickstream import collect  # noqa: E402,F401  (route)


def init_app(app: Flask) -> None:
    from bkm.clickstream import fast_path, recording, retention
    from bkm.clickstream.buffer import EventBuffer
    from bkm.clickstream.withdrawal import forget_visitor  # noqa: F401  (registers the handler)

    buffer = EventBuffer(app, app.config["CLICKSTREAM_FLUSH_SECONDS"])
    app.extensions["bkm_clickstream"] = buffer
    app.register_blueprint(bp)
    app.cli.add_command(retention.clickstream_cli)
    fast_path.install(app)

    # Registered before consent's hooks, so it runs after them: it sees the visitor id the
    # consent hook has just given a browser.
    @app.after_request
    def _record(response: Response) -> Response:
        if recording.should_record(request):
            recording.record(response, buffer)
        return response

    if buffer.flush_seconds <= 0:

        @app.teardown_request
        def _flush(_error=None) -> None:
            buffer.flush()
