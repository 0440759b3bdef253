"""(being written)"""

from bkm.admin import bp  # noqa: F401
