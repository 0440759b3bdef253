"""From one day's raw events: one row per visit, time on each page, product-to-product steps.

The definitions the dashboards use (README, "Statistics"):
- A visit is the events sharing a visit id that have at least one page view. The recorder
  gives a new visit id after 30 minutes without a page and at midnight Oslo time
  (bkm/clickstream/visits.py), and the rollup works per Oslo day, so a visit never spans two.
- Page views: rows of PAGE_VIEW_TYPES (one per page shown, whatever its kind).
- Entry and exit page: the first and the last page view of the visit.
- Bounce: a visit with exactly one page view.
- Duration: the last event minus the first, every kind of event counted (a leave beacon
  too), in whole seconds.
- Time on page: until the next page view of the visit; for the last page, the leave beacon's
  `duration_ms` (the script's time_on_page events for that path after the view, summed);
  unknown (left out of averages) when there is neither.
- Transitions: each product page view and the next product page view in the same visit,
  other pages in between allowed, reloads of the same product left out.
- Channel: from the entry page's request: "campaign" when it has utm_source or
  utm_campaign, "search" from a known search engine, "referral" from another site, else
  "direct".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

PAGE_VIEW_TYPES = ("page_view", "product_view", "category_view", "search")
DIRECT, SEARCH, REFERRAL, CAMPAIGN = "direct", "search", "referral", "campaign"
SEARCH_ENGINES = {
    "google": "Google",
    "bing": "Bing",
    "duckduckgo": "DuckDuckGo",
    "yahoo": "Yahoo",
    "ecosia": "Ecosia",
    "kvasir": "Kvasir",
    "yandex": "Yandex",
    "baidu": "Baidu",
    "startpage": "Startpage",
    "qwant": "Qwant",
    "search.brave": "Brave Search",
}
# Visit durations are kept as counts per bucket: exact seconds below 10 minutes (most
# visits), then 10 s below an hour, then whole minutes.
DURATION_STEPS = ((600, 1), (3600, 10), (None, 60))
# Days since the visitor's previous visit: bucket lower bounds (-1: a first visit).
DAYS_SINCE_BUCKETS = (0, 1, 2, 4, 8, 15, 31, 91)
MAX_VISIT_NUMBER = 5  # "5 or more"

VISIT_COLUMNS = [
    "visit_id",
    "visitor_id",
    "started_at",
    "entry_path",
    "exit_path",
    "page_views",
    "duration_s",
    "is_bounce",
    "device",
    "os",
    "browser",
    "channel",
    "source",
    "campaign",
    "product_views",
    "added_to_cart",
    "purchased",
]


@dataclass(frozen=True)
class DayVisits:
    visits: pd.DataFrame  # VISIT_COLUMNS
    page_views: pd.DataFrame  # VIEW_COLUMNS: one row per page view
    transitions: pd.DataFrame  # from_product_id, to_product_id, transitions


VIEW_COLUMNS = [
    "path",
    "page_type",
    "device",
    "os",
    "browser",
    "time_ms",  # NaN: unknown
    "is_entry",
    "is_exit",
    "is_bounce",  # the view of a one-page visit
]


def split_visits(events: pd.DataFrame) -> DayVisits:
    """`events`: one day's raw rows (analytics.sources.EVENT_COLUMNS), each visit's rows
    together and in time order (as analytics.sources.events_between returns them).

    The rows of a visit are contiguous, so per-visit figures are taken from segments of
    plain arrays (first row, last row, sums between) rather than by grouping: a busy day
    has ~27,000 events and a year's rollup does this 365 times."""
    kinds = events["type"].to_numpy(dtype=object)
    visit_ids = events["visit_id"].to_numpy(dtype=object)
    is_view = np.isin(kinds, PAGE_VIEW_TYPES)
    code = _segment_codes(visit_ids)
    seen = np.zeros(code[-1] + 1 if len(code) else 0, dtype=bool)
    seen[code[is_view]] = True
    keep = seen[code] if len(code) else np.zeros(0, dtype=bool)
    if not keep.any():
        return DayVisits(_no_visits(), pd.DataFrame(columns=VIEW_COLUMNS), _no_transitions())
    events, kinds, is_view = events[keep], kinds[keep], is_view[keep]
    code = _segment_codes(events["visit_id"].to_numpy(dtype=object))
    views = events[is_view]
    view_code = code[is_view]
    first_view = _starts(view_code)
    last_view = np.append(first_view[1:], len(views)) - 1
    visits = _visit_rows(events, kinds, code, views, first_view, last_view)
    page_views = _page_view_rows(events, kinds, code, views, view_code, first_view, last_view)
    return DayVisits(visits, page_views, _transitions(views, view_code))


def _no_visits() -> pd.DataFrame:
    kinds = {"started_at": "datetime64[ns, UTC]", "is_bounce": bool, "purchased": bool}
    integers = ("page_views", "duration_s", "product_views", "added_to_cart")
    kinds.update(dict.fromkeys(integers, "int64"))
    return pd.DataFrame({c: pd.Series(dtype=kinds.get(c, object)) for c in VISIT_COLUMNS})


def _segment_codes(ids: np.ndarray) -> np.ndarray:
    """0, 0, 1, 1, 1, 2 … for grouped ids: which visit each row belongs to."""
    if len(ids) == 0:
        return np.zeros(0, dtype=np.int64)
    changed = np.empty(len(ids), dtype=bool)
    changed[0] = True
    changed[1:] = ids[1:] != ids[:-1]
    return np.cumsum(changed) - 1


def _starts(codes: np.ndarray) -> np.ndarray:
    changed = np.empty(len(codes), dtype=bool)
    changed[0] = True
    changed[1:] = codes[1:] != codes[:-1]
    return np.flatnonzero(changed)


def _visit_rows(events, kinds, code, views, first_view, last_view) -> pd.DataFrame:
    starts = _starts(code)
    ends = np.append(starts[1:], len(events)) - 1
    at = events["at"]
    started, ended = at.iloc[starts].reset_index(drop=True), at.iloc[ends].reset_index(drop=True)
    first = views.iloc[first_view].reset_index(drop=True)
    view_kinds = views["type"].to_numpy(dtype=object)
    visits = pd.DataFrame(
        {
            "visit_id": first["visit_id"],
            "visitor_id": first["visitor_id"],  # a withdrawal blanks all of a visitor's rows
            "started_at": started,
            "entry_path": first["path"],
            "exit_path": views["path"].iloc[last_view].reset_index(drop=True),
            "page_views": last_view - first_view + 1,
            "duration_s": (ended - started).dt.total_seconds().astype("int64"),
            "device": first["device"],
            "os": first["os"],
            "browser": first["browser"],
            "product_views": np.add.reduceat(view_kinds == "product_view", first_view),
            "added_to_cart": np.add.reduceat(kinds == "add_to_cart", starts),
            "purchased": np.add.reduceat(kinds == "purchase", starts) > 0,
        }
    )
    visits["is_bounce"] = visits["page_views"] == 1
    channel = classify_sources(first["referrer_host"], first["utm_source"], first["utm_campaign"])
    return pd.concat([visits, channel], axis=1)[VISIT_COLUMNS]


def _page_view_rows(events, kinds, code, views, view_code, first_view, last_view):
    at_ms = views["at"].to_numpy(dtype="datetime64[ns]").astype(np.int64) / 1e6
    time_ms = np.full(len(views), np.nan)
    same_visit = view_code[1:] == view_code[:-1]
    time_ms[:-1][same_visit] = (at_ms[1:] - at_ms[:-1])[same_visit]
    beacon = kinds == "time_on_page"
    if beacon.any():  # the last page's time: its leave beacons after the view
        last = pd.DataFrame(
            {
                "row": last_view,
                "visit": view_code[last_view],
                "path": views["path"].iloc[last_view].to_numpy(),
                "at": at_ms[last_view],
            }
        )
        beacons = pd.DataFrame(
            {
                "visit": code[beacon],
                "path": events["path"].to_numpy(dtype=object)[beacon],
                "beacon_at": events["at"].to_numpy(dtype="datetime64[ns]")[beacon].astype(np.int64)
                / 1e6,
                "duration_ms": events["duration_ms"].to_numpy(dtype=float)[beacon],
            }
        )
        matched = last.merge(beacons, on=["visit", "path"])
        matched = matched[matched["beacon_at"] >= matched["at"]]
        spent = matched.groupby("row")["duration_ms"].sum()
        time_ms[spent.index.to_numpy()] = spent.to_numpy()
    is_entry = np.zeros(len(views), dtype=bool)
    is_entry[first_view] = True
    is_exit = np.zeros(len(views), dtype=bool)
    is_exit[last_view] = True
    single = np.zeros(len(views), dtype=bool)
    single[first_view[first_view == last_view]] = True
    frame = views[["path", "page_type", "device", "os", "browser"]].reset_index(drop=True)
    return frame.assign(time_ms=time_ms, is_entry=is_entry, is_exit=is_exit, is_bounce=single)


def _no_transitions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            name: pd.Series(dtype="int64")
            for name in ("from_product_id", "to_product_id", "transitions")
        }
    )


def _transitions(views: pd.DataFrame, view_code: np.ndarray) -> pd.DataFrame:
    product = (views["type"].to_numpy(dtype=object) == "product_view") & views[
        "product_id"
    ].notna().to_numpy()
    ids = views["product_id"].to_numpy(dtype=float)[product].astype(np.int64)
    visits = view_code[product]
    step = (visits[1:] == visits[:-1]) & (ids[1:] != ids[:-1])
    if not step.any():
        return _no_transitions()
    pairs = pd.DataFrame({"from_product_id": ids[:-1][step], "to_product_id": ids[1:][step]})
    return pairs.value_counts(sort=False).rename("transitions").reset_index()


def classify_sources(
    hosts: pd.Series, utm_sources: pd.Series, campaigns: pd.Series
) -> pd.DataFrame:
    """Channel, source and campaign for each entry (see the module's definitions).
    Worked out once per distinct (host, utm_source, utm_campaign): a day has few."""
    keys = pd.DataFrame(
        {"host": hosts.fillna(""), "utm": utm_sources.fillna(""), "campaign": campaigns.fillna("")},
        dtype=object,
    )
    joined = keys["host"] + "\x1f" + keys["utm"] + "\x1f" + keys["campaign"]
    codes, uniques = pd.factorize(joined)
    distinct = keys.iloc[_first_positions(codes, len(uniques))].reset_index(drop=True)
    host = distinct["host"].str.lower().str.removeprefix("www.")
    utm = distinct["utm"].str.strip().str.lower()
    campaign = distinct["campaign"].str.strip()
    engine = host.map(search_engine)
    channel = np.select(
        [(utm != "") | (campaign != ""), engine != "", host != ""],
        [CAMPAIGN, SEARCH, REFERRAL],
        DIRECT,
    )
    source = np.select(
        [channel == CAMPAIGN, channel == SEARCH, channel == REFERRAL],
        [utm.where(utm != "", host), engine, host],
        "",
    )
    classified = pd.DataFrame(
        {"channel": channel, "source": source, "campaign": campaign.where(channel == CAMPAIGN, "")}
    )
    return classified.iloc[codes].set_axis(hosts.index)


def _first_positions(codes: np.ndarray, count: int) -> np.ndarray:
    """Where each code 0 … count-1 first occurs."""
    positions = np.full(count, len(codes), dtype=np.int64)
    np.minimum.at(positions, codes, np.arange(len(codes)))
    return positions


def search_engine(host: str) -> str:
    """ "Google" for google.no, www.google.com …; "" for a host that is not a search engine."""
    labels = host.split(".")
    for key, name in SEARCH_ENGINES.items():
        if "." in key:
            if host == key + "." + labels[-1] or host.startswith(key + "."):
                return name
        elif key in labels[:-1]:
            return name
    return ""


def duration_bucket(seconds: pd.Series) -> pd.Series:
    """The lower bound of each duration's bucket (DURATION_STEPS)."""
    result = seconds.copy()
    low = 0
    for high, step in DURATION_STEPS:
        inside = seconds >= low if high is None else (seconds >= low) & (seconds < high)
        result[inside] = seconds[inside] // step * step
        low = high or low
    return result


def duration_bucket_width(bucket_s: int) -> int:
    for high, step in DURATION_STEPS:
        if high is None or bucket_s < high:
            return step
    raise AssertionError("unreachable")


def days_since_bucket(days: pd.Series) -> pd.Series:
    """-1 for a first visit (NaN), else the lower bound of DAYS_SINCE_BUCKETS it falls in."""
    edges = np.array(DAYS_SINCE_BUCKETS)
    filled = days.fillna(-1).astype("int64").to_numpy()
    positions = np.searchsorted(edges, filled, side="right") - 1
    bucketed = np.where(filled < 0, -1, edges[np.clip(positions, 0, None)])
    return pd.Series(bucketed, index=days.index)
