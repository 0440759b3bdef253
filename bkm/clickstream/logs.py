"""Log lines never carry a full IP address (R6.3): the request loggers' addresses are
truncated like the clickstream's before the line is written."""

from __future__ import annotations

import logging
import re

from bkm.ip import truncate_ip

IP_PATTERN = re.compile(
    r"(?<![\w.:])(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:%\w+)?)(?![\w.:])"
)
REQUEST_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


class TruncateIpFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        truncated = IP_PATTERN.sub(lambda m: _truncate(m.group(0)), message)
        if truncated != message:
            record.msg, record.args = truncated, ()
        return True


def _truncate(candidate: str) -> str:
    truncated = truncate_ip(candidate)
    return candidate if truncated == "0.0.0.0" and candidate != "0.0.0.0" else truncated


def install_log_filter() -> None:
    for name in REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, TruncateIpFilter) for f in logger.filters):
            logger.addFilter(TruncateIpFilter())
