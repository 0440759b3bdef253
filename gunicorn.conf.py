"""gunicorn's settings for the shop: `gunicorn -c gunicorn.conf.py wsgi:app` (make serve).

Each value can be overridden by the environment (GUNICORN_*) so one file serves a laptop and
the production host. Why these:
- sync workers, 2 per core + 1: pages are short CPU-bound renders and database calls; a slow
  client is the reverse proxy's job (nginx buffers), not a worker's.
- graceful_timeout: on SIGTERM a worker finishes its requests, then its exit flushes the
  buffered clickstream events (bkm/clickstream/buffer.py) — nothing acknowledged is lost;
  mail is in the database outbox, so a stop never loses a queued mail either.
- no max_requests by default: a replaced worker loses its page cache and warm imports, and
  under load a few thousand requests pass in seconds (GUNICORN_MAX_REQUESTS sets one).
- no access log: gunicorn's would write the full client address; the app logs each request
  itself, truncated (bkm/logs.py).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 20))
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 0))
max_requests_jitter = max_requests // 10
# gunicorn's heartbeat files in memory, as its docs advise (a disk-backed /tmp can stall them).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # nosec B108
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "bkm"
# gunicorn's control socket defaults to one path per user, shared by every gunicorn the user
# runs (tests, bench, a second instance); the shop does not use it.
control_socket_disable = os.environ.get("GUNICORN_CONTROL_SOCKET") is None
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET") or None
