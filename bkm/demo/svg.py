"""SVG primitives for the demo drawings: a colour palette, shapes as strings, the document."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 800, 600
BACKGROUND = "#f4f2ee"
FLOOR = "#e2ded6"
METAL = "#a3a8ae"
STEEL = "#5f656c"
BLACK = "#2b2d31"
LIGHT_BEAM = "#fff2c2"
INK_BLUE, INK_RED = "#2f5d8a", "#a3262a"


@dataclass(frozen=True)
class Palette:
    main: str
    dark: str  # outlines and shade, so a white item still stands out from the background
    light: str


def _mix(hex_colour: str, target: int, share: float) -> str:
    channels = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c + (target - c) * share):02x}" for c in channels)


def palette(hex_colour: str) -> Palette:
    return Palette(hex_colour, _mix(hex_colour, 0, 0.45), _mix(hex_colour, 255, 0.3))


def rect(x, y, w, h, fill, rx=0, stroke=None, sw=3) -> str:
    corner = f' rx="{rx}"' if rx else ""
    outline = f' stroke="{stroke}" stroke-width="{sw}"' if stroke else ""
    return f'<rect x="{x}" y="{y}" width="{w}" height="{h}"{corner} fill="{fill}"{outline}/>'


def ellipse(cx, cy, rx, ry, fill, stroke=None, sw=3) -> str:
    outline = f' stroke="{stroke}" stroke-width="{sw}"' if stroke else ""
    return f'<ellipse cx="{cx}" cy="{cy}" rx="{rx}" ry="{ry}" fill="{fill}"{outline}/>'


def line(x1, y1, x2, y2, stroke, sw) -> str:
    return (
        f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{stroke}" '
        f'stroke-width="{sw}" stroke-linecap="round"/>'
    )


def path(d, fill, stroke=None, sw=3) -> str:
    outline = f' stroke="{stroke}" stroke-width="{sw}" stroke-linejoin="round"' if stroke else ""
    return f'<path d="{d}" fill="{fill}"{outline}/>'


def poly(points, fill, stroke=None, sw=3) -> str:
    return path("M" + " L".join(f"{x} {y}" for x, y in points) + " Z", fill, stroke, sw)


def document(body: list[str], view: tuple[int, int, int, int]) -> str:
    """An 800×600 SVG on the light background, showing the `view` box (x, y, width, height)."""
    x, y, w, h = view
    shapes = "\n".join(body)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="{x} {y} {w} {h}">\n'
        f"{rect(0, 0, WIDTH, HEIGHT, BACKGROUND)}\n{shapes}\n</svg>\n"
    )
