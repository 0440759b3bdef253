"""(being written)"""

from bkm.mypage import bp  # noqa: F401
