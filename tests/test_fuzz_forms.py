"""Hypothesis drives every form in the shop and POST /collect with arbitrary input (issue 9):
never a 500, and a refused request stores nothing.

The forms are found, not listed: every page of the route walk (tests/test_route_walk.py) is
opened as each person, and every `<form method="post">` on it is filled with what Hypothesis
draws for its fields — text of any kind and length, control characters, markup, numbers out
of range, impossible dates, missing fields and fields no form has. An answer that is not a
redirect (the sign of an accepted form) must leave every table as it was; the clickstream's
anonymous counts are the exception, since they count every request by design.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from bkm.extensions import db
from tests.factories import DEFAULT_PASSWORD
from tests.test_route_walk import EXPECTED, ROLES
from tests.world import World, url_of

NASTY = [
    "",
    " ",
    "\x00",
    "\r\n\t",
    "a" * 5000,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "-1",
    "0",
    "99999999999999999999",
    "1e308",
    "NaN",
    "2026-02-30",
    "31.12.9999",
    "ja",
    "y",
    "on",
    "😀🛋️",
    "ÆØÅ æøå",
    "../../etc/passwd",
    "kari@example.no",
]
VALUES = st.one_of(st.sampled_from(NASTY), st.text(max_size=400))
SKIPPED = {"/konto/logg-ut"}  # ends the session the walk is using


class Forms(HTMLParser):
    """The POST forms of a page: [(action path, field names)]."""

    def __init__(self, page_path: str) -> None:
        super().__init__()
        self.page_path = page_path
        self.found: list[tuple[str, list[str]]] = []
        self._open: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            action = urlsplit(attrs.get("action") or self.page_path).path
            self._open = (action, [])
        elif self._open and tag in ("input", "select", "textarea", "button"):
            name = attrs.get("name")
            if name and name != "csrf_token" and name not in self._open[1]:
                self._open[1].append(name)

    def handle_endtag(self, tag):
        if tag == "form" and self._open:
            self.found.append(self._open)
            self._open = None


def pages_of(app, world: World, role: str) -> list[str]:
    """Every page `role` may open, and the pages whose forms need something to act on: a
    checkout with a cart, an order and a quote staff have not handled yet."""
    pages = [
        url_of(app, world, rule)
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and EXPECTED.get((rule.endpoint, "GET"), {}).get(role) == 200
        and rule.endpoint not in ("static", "media.file")
        and not rule.endpoint.endswith("_csv")
    ]
    pages += ["/handlekurv", "/kasse"]
    if role in ("staff", "manager"):
        pages += [
            f"/admin/ordrer/{world.open_order.number}",
            f"/admin/tilbud/{world.requested_quote.number}",
        ]
    return pages


def forms_of(app, client, world: World, role: str) -> dict[str, list[str]]:
    """{action: field names} of every POST form on every page `role` can open."""
    client.post(
        "/handlekurv/legg-til",
        data={"product_id": world.product.id, "quantity": 1},
        headers={"Origin": "http://localhost"},
    )
    forms: dict[str, list[str]] = {}
    for path in pages_of(app, world, role):
        response = client.get(path)
        if response.mimetype != "text/html":
            response.close()
            continue
        parser = Forms(path)
        parser.feed(response.get_data(as_text=True))
        for action, fields in parser.found:
            if action not in SKIPPED:
                forms.setdefault(action, fields)
    return forms


# A refused staff form shows its page again, with the customer's data: that view is audited
# like any other, so audit rows of viewing are not "stored from the request".
VIEWING = ("viewed_customer", "viewed_order", "erasure_check")


def row_counts() -> dict[str, int]:
    db.session.expire_all()
    counts = {}
    for table in db.metadata.sorted_tables:
        if table.name.startswith("click_"):
            continue
        query = sa.select(sa.func.count()).select_from(table)
        if table.name == "audit_log":
            query = query.where(table.c.action.not_in(VIEWING))
        counts[table.name] = db.session.scalar(query)
    return counts


def log_in(client, world: World, role: str) -> str:
    person = world.person(role)
    if person is not None:
        client.submit("/konto/logg-inn", {"email": person.email, "password": DEFAULT_PASSWORD})
    return client.csrf_token("/cookie-innstillinger")


@pytest.mark.parametrize("role", ROLES)
def test_every_form_refuses_arbitrary_input_cleanly(app, client, world, role):
    token = log_in(client, world, role)
    forms = forms_of(app, client, world, role)
    assert forms, f"no forms found for {role}"
    for action, fields in sorted(forms.items()):
        fuzz_form(client, token, action, [*fields, "x"])


def fuzz_form(client, token: str, action: str, names: list[str]) -> None:
    @settings(max_examples=4, deadline=None, database=None)
    @given(
        values=st.fixed_dictionaries({}, optional={n: st.lists(VALUES, max_size=2) for n in names})
    )
    def post_arbitrary(values):
        before = row_counts()

        response = client.post(
            action, data={"csrf_token": token, **values}, headers={"Origin": "http://localhost"}
        )

        assert response.status_code < 500, (action, values, response.status_code)
        if response.status_code // 100 != 3:  # refused: nothing stored
            assert row_counts() == before, (action, values, response.status_code)

    post_arbitrary()


@settings(max_examples=60, deadline=None)
@given(
    body=st.one_of(
        st.binary(max_size=2000),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=50),
            lambda children: (
                st.lists(children, max_size=60)
                | st.dictionaries(
                    st.sampled_from(["events", "type", "path", "product_id", "duration_ms", "x"]),
                    children,
                    max_size=6,
                )
            ),
            max_leaves=80,
        ).map(lambda value: json.dumps(value).encode()),
    )
)
def test_the_collector_refuses_arbitrary_bodies_cleanly(app, body):
    client = app.test_client()
    client.has_chosen("statistics")
    client.set_cookie("bkm_besok", "d" * 32)
    before = db.session.scalar(sa.text("SELECT count(*) FROM click_events"))

    response = client.post(
        "/collect", data=body, headers={"Origin": "http://localhost", "Content-Type": "text/plain"}
    )

    assert response.status_code in (204, 400, 413), response.get_data(as_text=True)
    after = db.session.scalar(sa.text("SELECT count(*) FROM click_events"))
    if response.status_code != 204:
        assert response.get_json()["reason"]
        assert after == before
