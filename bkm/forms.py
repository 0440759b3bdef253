"""Base form with WTForms' Norwegian messages."""

from __future__ import annotations

from flask_wtf import FlaskForm


class BaseForm(FlaskForm):
    class Meta:
        locales = ("nb_NO", "nb")


class QueryForm(BaseForm):
    """A GET form read from the query string: no CSRF, nothing changes state."""

    class Meta:
        csrf = False
        locales = ("nb_NO", "nb")
