"""DataFrame → Plotly figure, nothing else: no database, no request, no HTML.

Every chart compares with the previous period where that means something (a grey trace).
Numbers use Norwegian separators (decimal comma, space between thousands) and dates are
written as numbers, so plotly.js needs no locale file. The page embeds each figure as JSON
(`to_json`) for static/js/dashboards.js to draw.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

PINE, PINE_LIGHT, GREY, BRICK, OAK, SLATE = (
    "#1f5647",
    "#6fa58f",
    "#a7aca9",
    "#a1361f",
    "#b07a2a",
    "#2c4a7a",
)
PALETTE = [PINE, SLATE, OAK, BRICK, PINE_LIGHT, "#6b5b95", "#5a7d9a", "#8c6d46", "#4f7942"]
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", Arial, sans-serif'
CURRENT, PREVIOUS = "Valgt periode", "Forrige periode"
WEEKDAYS = ["Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag", "Lørdag", "Søndag"]


def _layout(height: int = 340, **extra) -> dict:
    layout = {
        "separators": ", ",
        "font": {"family": FONT, "size": 13, "color": "#1d2321"},
        "height": height,
        "margin": {"l": 60, "r": 20, "t": 20, "b": 50},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "legend": {"orientation": "h", "y": -0.18},
        "colorway": PALETTE,
        "xaxis": {"gridcolor": "#efece6"},
        "yaxis": {"gridcolor": "#efece6", "rangemode": "tozero"},
    }
    layout.update(extra)
    return layout


def time_series(
    x: pd.Series, current: pd.Series, previous: pd.Series, *, y_title: str, grain: str = "dag"
) -> go.Figure:
    """The period's values by day (or week) with the previous period's over the same x."""
    date_format = "%d.%m.%Y"
    figure = go.Figure(layout=_layout(hovermode="x unified"))
    figure.add_scatter(
        x=list(x),
        y=list(previous),
        name=PREVIOUS,
        mode="lines",
        line={"color": GREY, "dash": "dot", "width": 2},
        hovertemplate="%{y:,.0f}<extra>" + PREVIOUS + "</extra>",
    )
    figure.add_scatter(
        x=list(x),
        y=list(current),
        name=CURRENT,
        mode="lines+markers" if len(x) <= 31 else "lines",
        line={"color": PINE, "width": 3},
        hovertemplate="%{y:,.0f}<extra>" + CURRENT + "</extra>",
    )
    figure.update_xaxes(tickformat="%d.%m", hoverformat=date_format, title_text=grain.capitalize())
    figure.update_yaxes(title_text=y_title)
    return figure


def bars(
    labels: pd.Series,
    current: pd.Series,
    previous: pd.Series | None = None,
    *,
    x_title: str,
    value_format: str = ",.0f",
) -> go.Figure:
    """Horizontal bars, largest on top; hidden (suppressed) values are left out."""
    labels = [_short(label) for label in labels]
    height = max(220, 34 * len(labels) * (2 if previous is not None else 1) + 90)
    figure = go.Figure(layout=_layout(height=height, barmode="group", margin=_wide_margin()))
    if previous is not None:
        figure.add_bar(
            y=labels,
            x=list(previous),
            name=PREVIOUS,
            orientation="h",
            marker_color=GREY,
            hovertemplate="%{x:" + value_format + "}<extra>" + PREVIOUS + "</extra>",
        )
    figure.add_bar(
        y=labels,
        x=list(current),
        name=CURRENT,
        orientation="h",
        marker_color=PINE,
        hovertemplate="%{x:" + value_format + "}<extra>" + CURRENT + "</extra>",
    )
    figure.update_yaxes(autorange="reversed", type="category", rangemode=None)
    figure.update_xaxes(title_text=x_title, tickformat=value_format, rangemode="tozero")
    return figure


def shares(labels: list[str], parts: dict[str, list[float]], *, x_title: str) -> go.Figure:
    """Stacked horizontal bars of shares (0–1), e.g. yes and no per consent purpose."""
    colours = iter([PINE, BRICK, GREY, SLATE])
    figure = go.Figure(layout=_layout(height=max(220, 60 * len(labels) + 100), barmode="stack"))
    for name, values in parts.items():
        figure.add_bar(
            y=labels,
            x=values,
            name=name,
            orientation="h",
            marker_color=next(colours),
            hovertemplate="%{x:.1%}<extra>" + name + "</extra>",
        )
    figure.update_xaxes(title_text=x_title, tickformat=".0%", range=[0, 1])
    figure.update_yaxes(autorange="reversed", type="category", rangemode=None)
    return figure


def sankey(links: pd.DataFrame) -> go.Figure:
    """Product → next product. `links`: from_label, to_label, transitions. Each product is a
    node on the left (viewed first) and on the right (viewed next), so loops cannot form."""
    left = list(dict.fromkeys(links["from_label"]))
    right = list(dict.fromkeys(links["to_label"]))
    labels = [_short(label, 40) for label in left + right]
    figure = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={
                "label": labels,
                "pad": 12,
                "thickness": 14,
                "color": [PINE] * len(left) + [SLATE] * len(right),
                "hovertemplate": "%{label}<extra></extra>",
            },
            link={
                "source": [left.index(label) for label in links["from_label"]],
                "target": [len(left) + right.index(label) for label in links["to_label"]],
                "value": list(links["transitions"]),
                "color": "rgba(31, 86, 71, 0.25)",
                "hovertemplate": "%{source.label} → %{target.label}: %{value:,.0f}<extra></extra>",
            },
        ),
        layout=_layout(height=max(320, 26 * max(len(left), len(right)) + 80)),
    )
    return figure


def weekday_hour(grid: pd.DataFrame, *, unit: str) -> go.Figure:
    """A punch card: a dot per weekday and hour, its area the value (`grid` indexed 0–6 by
    0–23). Not a heatmap: plotly.js styles heatmaps and colour bars with `style` attributes,
    which the shop's CSP refuses."""
    points = grid.stack().rename("value").reset_index()
    points.columns = ["weekday", "hour", "value"]
    largest = float(points["value"].max() or 1)
    figure = go.Figure(
        go.Scatter(
            x=[f"{hour:02d}" for hour in points["hour"]],
            y=[WEEKDAYS[day] for day in points["weekday"]],
            mode="markers",
            marker={
                "size": list(points["value"]),
                "sizemode": "area",
                "sizeref": 2 * largest / 26**2,  # the largest dot 26 px across
                "sizemin": 0,
                "color": PINE,
                "line": {"width": 0},
            },
            hovertemplate="%{y} kl. %{x}: %{marker.size:,.0f} " + unit + "<extra></extra>",
        ),
        layout=_layout(height=360, showlegend=False),
    )
    figure.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=WEEKDAYS,
        autorange="reversed",
        rangemode=None,
    )
    figure.update_xaxes(
        type="category",
        categoryorder="array",
        categoryarray=[f"{h:02d}" for h in range(24)],
        title_text="Klokkeslett (norsk tid)",
    )
    return figure


def stacked_months(frame: pd.DataFrame, *, y_title: str) -> go.Figure:
    """`frame`: month (a date), series (a name), value. One stacked bar per month."""
    figure = go.Figure(layout=_layout(height=380, barmode="stack", hovermode="x unified"))
    for name, rows in frame.groupby("series", sort=False):
        figure.add_bar(
            x=[f"{m:%m.%Y}" for m in rows["month"]],
            y=list(rows["value"]),
            name=_short(str(name), 30),
            hovertemplate="%{y:,.0f}<extra>" + _short(str(name), 30) + "</extra>",
        )
    figure.update_xaxes(type="category", title_text="Måned")
    figure.update_yaxes(title_text=y_title)
    return figure


def columns(
    labels: list[str], current: list[float], previous: list[float], *, y_title: str
) -> go.Figure:
    """Vertical bars for a short ordered category (weekdays, visit numbers …)."""
    figure = go.Figure(layout=_layout(barmode="group"))
    figure.add_bar(x=labels, y=previous, name=PREVIOUS, marker_color=GREY)
    figure.add_bar(x=labels, y=current, name=CURRENT, marker_color=PINE)
    figure.update_xaxes(type="category")
    figure.update_yaxes(title_text=y_title)
    return figure


def to_json(figure: go.Figure) -> str:
    """The figure as JSON that is safe inside <script type="application/json"> (no <, > or &
    left for the HTML parser to see, as Jinja's tojson does)."""
    text = figure.to_json()
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _short(label, length: int = 48) -> str:
    """A label cut to `length`, with < > & as entities: plotly.js reads labels as a little
    HTML (<b>, <a href>), and paths and campaign names come from visitors."""
    text = str(label)
    text = text if len(text) <= length else text[: length - 1] + "…"
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _wide_margin() -> dict:
    return {"l": 220, "r": 20, "t": 20, "b": 50}
