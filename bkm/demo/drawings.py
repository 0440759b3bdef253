"""Flat SVG drawings of each kind of furniture in a product's colour, for the demo images.

Everything is drawn on an 800×600 canvas; the second picture of a product is a close-up, the
same drawing seen through a 400×300 window, so both keep the 4:3 shape. No text elements:
nothing depends on fonts.
"""

from __future__ import annotations

from collections.abc import Callable

from bkm.demo.svg import (
    BLACK,
    FLOOR,
    HEIGHT,
    INK_BLUE,
    INK_RED,
    LIGHT_BEAM,
    METAL,
    STEEL,
    WIDTH,
    Palette,
    document,
    ellipse,
    line,
    palette,
    path,
    poly,
    rect,
)

# --- seating -----------------------------------------------------------------------------


def _star_base(spread: int, hub_y: int) -> list[str]:
    feet = [
        (400 - spread, 500),
        (400 + spread, 500),
        (400 - spread // 2, 516),
        (400 + spread // 2, 516),
        (400, 522),
    ]
    legs = [line(400, hub_y, x, y, STEEL, 14) for x, y in feet]
    return legs + [ellipse(x, y + 10, 14, 11, BLACK) for x, y in feet]


def office_chair(p: Palette, *, back_top: int = 130, tufted: bool = False) -> list[str]:
    parts = [ellipse(400, 530, 200, 20, FLOOR), *_star_base(150, 472)]
    parts += [
        rect(390, 360, 20, 114, METAL),
        rect(350, 358, 100, 16, BLACK, rx=4),
        rect(388, 270, 24, 90, BLACK, rx=6),
        rect(300, back_top, 200, 290 - back_top, p.main, rx=40, stroke=p.dark),
        rect(325, 222, 150, 34, p.light, rx=16),
    ]
    if tufted:  # stitched leather panels
        parts += [line(318, y, 482, y, p.dark, 2) for y in range(back_top + 45, 222, 45)]
    for x in (282, 518):  # armrests, drawn before the seat so it hides where they meet
        parts += [rect(x - 8, 298, 16, 50, BLACK), rect(x - 30, 286, 60, 16, BLACK, rx=8)]
    parts += [
        rect(285, 318, 230, 48, p.main, rx=22, stroke=p.dark),
        rect(305, 326, 190, 10, p.light, rx=5),
    ]
    return parts


def executive_chair(p: Palette) -> list[str]:
    return office_chair(p, back_top=70, tufted=True)


def drafting_chair(p: Palette) -> list[str]:
    parts = [ellipse(400, 530, 170, 18, FLOOR), *_star_base(130, 472)]
    parts += [
        rect(390, 262, 20, 212, METAL),
        ellipse(400, 400, 115, 20, "none", stroke=METAL, sw=8),
        line(400, 400, 300, 398, METAL, 5),
        line(400, 400, 500, 398, METAL, 5),
        rect(392, 180, 16, 80, BLACK, rx=5),
        rect(335, 90, 130, 110, p.main, rx=30, stroke=p.dark),
        rect(355, 256, 90, 14, BLACK, rx=4),
        path(
            "M300 240 Q400 196 500 240 Q506 264 468 268 L332 268 Q294 264 300 240 Z", p.main, p.dark
        ),
        path("M330 236 Q400 210 470 236", "none", p.light, 6),
    ]
    return parts


def conference_chair(p: Palette) -> list[str]:
    return [
        ellipse(400, 528, 150, 14, FLOOR),
        line(338, 350, 348, 510, STEEL, 8),
        line(462, 350, 452, 510, STEEL, 8),
        rect(315, 150, 170, 165, p.main, rx=34, stroke=p.dark),
        rect(335, 170, 130, 20, p.light, rx=10),
        rect(340, 300, 120, 40, p.main),
        path("M300 332 Q400 318 500 332 L520 364 Q400 378 280 364 Z", p.main, p.dark),
        line(292, 366, 272, 516, STEEL, 9),
        line(508, 366, 528, 516, STEEL, 9),
        *(ellipse(x, 518, 9, 5, BLACK) for x in (272, 348, 452, 528)),
    ]


def sofa(p: Palette, *, seats: int = 3) -> list[str]:
    width = {1: 220, 2: 360, 3: 480}[seats]
    x0 = 400 - width // 2
    cushion = width // seats
    parts = [ellipse(400, 512, width // 2 + 80, 16, FLOOR)]
    parts += [rect(x, 430, 12, 70, STEEL) for x in (x0 - 20, x0 + width + 8)]
    parts.append(rect(x0, 200, width, 150, p.main, rx=26, stroke=p.dark))
    parts += [
        rect(x0 + 10 + i * cushion, 215, cushion - 20, 110, p.light, rx=22, stroke=p.dark, sw=2)
        for i in range(seats)
    ]
    parts.append(rect(x0 - 30, 340, width + 60, 100, p.main, rx=16, stroke=p.dark))
    parts += [
        rect(x0 + 8 + i * cushion, 318, cushion - 16, 50, p.light, rx=14, stroke=p.dark, sw=2)
        for i in range(seats)
    ]
    for x in (x0 - 56, x0 + width):
        parts.append(rect(x, 262, 56, 178, p.main, rx=24, stroke=p.dark))
    return parts


# --- tables ------------------------------------------------------------------------------


def _table_top(p: Palette, left: int, right: int, y: int, depth: int, inset: int) -> list[str]:
    top = [(left, y), (right, y), (right - inset, y - depth), (left + inset, y - depth)]
    return [poly(top, p.light, p.dark), rect(left, y, right - left, 20, p.main, stroke=p.dark)]


def desk(p: Palette) -> list[str]:
    parts = [ellipse(400, 520, 300, 18, FLOOR), rect(190, 300, 420, 10, STEEL)]
    for x in (170, 610):
        parts += [rect(x, 268, 20, 234, STEEL), rect(x - 40, 498, 100, 12, STEEL, rx=4)]
    return parts + _table_top(p, 130, 670, 262, 50, 40)


def corner_desk(p: Palette) -> list[str]:
    parts = [ellipse(400, 526, 320, 18, FLOOR)]
    parts += [rect(x, y, 18, 500 - y, STEEL) for x, y in ((140, 280), (460, 270), (660, 338))]
    parts += [rect(x - 35, 498, 88, 12, STEEL, rx=4) for x in (140, 460, 660)]
    parts += [
        path("M110 262 L470 262 Q505 266 525 318 L700 318 L650 212 L150 212 Z", p.light, p.dark),
        rect(110, 262, 360, 18, p.main, stroke=p.dark),
        path("M470 262 Q505 266 525 318 L525 336 Q502 284 470 280 Z", p.main, p.dark),
        rect(525, 318, 175, 18, p.main, stroke=p.dark),
    ]
    return parts


def sitstand(p: Palette) -> list[str]:
    parts = [ellipse(400, 524, 300, 18, FLOOR), rect(232, 300, 348, 12, STEEL)]
    for x in (200, 580):
        parts += [
            rect(x, 282, 32, 112, STEEL, rx=3),
            rect(x + 5, 392, 22, 104, METAL),
            rect(x - 45, 492, 122, 14, STEEL, rx=6),
        ]
    parts += _table_top(p, 130, 670, 262, 50, 40)
    parts += [
        rect(600, 282, 50, 12, BLACK, rx=4),
        poly([(720, 300), (744, 336), (696, 336)], p.dark),
        poly([(720, 396), (744, 360), (696, 360)], p.dark),
    ]
    return parts


def meeting_table(p: Palette) -> list[str]:
    parts = [ellipse(400, 522, 330, 20, FLOOR)]
    for x in (230, 570):
        parts += [rect(x - 12, 288, 24, 204, STEEL), ellipse(x, 496, 72, 12, STEEL)]
    return parts + _table_top(p, 80, 720, 270, 80, 70)


def canteen_table(p: Palette) -> list[str]:
    return [
        ellipse(400, 520, 170, 16, FLOOR),
        rect(388, 300, 24, 196, STEEL),
        ellipse(400, 500, 110, 16, STEEL),
        ellipse(400, 302, 240, 62, p.main, stroke=p.dark),
        ellipse(400, 290, 240, 60, p.light, stroke=p.dark),
    ]


def reception(p: Palette) -> list[str]:
    return [
        ellipse(400, 522, 310, 16, FLOOR),
        rect(500, 140, 120, 74, BLACK, rx=5),
        rect(508, 148, 104, 58, "#6d7f92", rx=2),
        rect(552, 212, 14, 24, BLACK),
        rect(130, 232, 540, 278, p.main, stroke=p.dark, rx=4),
        rect(130, 330, 540, 14, p.dark),
        *(line(x, 360, x, 490, p.light, 4) for x in range(170, 660, 40)),
        poly([(115, 232), (685, 232), (660, 204), (140, 204)], p.light, p.dark),
        rect(115, 232, 570, 16, p.light, stroke=p.dark),
        rect(140, 500, 520, 12, BLACK),
    ]


# --- storage -----------------------------------------------------------------------------


def filing_cabinet(p: Palette, *, drawers: int = 4) -> list[str]:
    parts = [ellipse(400, 526, 170, 14, FLOOR), rect(290, 100, 220, 420, p.main, stroke=p.dark)]
    height = 400 // drawers
    for i in range(drawers):
        y = 110 + i * height
        parts += [
            rect(302, y, 196, height - 10, p.light, rx=4, stroke=p.dark, sw=2),
            rect(360, y + 18, 80, 10, METAL, rx=5),
            rect(380, y + 40, 40, 14, "#ffffff", stroke=METAL, sw=2),
        ]
    return [*parts, ellipse(486, 122, 6, 6, METAL), rect(296, 510, 208, 12, BLACK)]


def drawer_unit(p: Palette) -> list[str]:
    parts = [
        ellipse(400, 524, 120, 12, FLOOR),
        rect(320, 260, 160, 236, p.main, rx=6, stroke=p.dark),
    ]
    for y, h in ((272, 40), (320, 80), (408, 80)):
        parts += [
            rect(330, y, 140, h - 8, p.light, rx=3, stroke=p.dark, sw=2),
            rect(370, y + 12, 60, 8, METAL, rx=4),
        ]
    return [
        *parts,
        ellipse(456, 280, 5, 5, METAL),
        *(ellipse(x, 506, 13, 12, BLACK) for x in (340, 460)),
    ]


def shelf(p: Palette) -> list[str]:
    binders = ("#c9a227", INK_BLUE, INK_RED, "#4f7a4a", "#55595f")
    parts = [ellipse(400, 526, 190, 14, FLOOR), rect(266, 96, 268, 408, p.light)]
    for row, (floor_y, count) in enumerate(((180, 7), (265, 5), (350, 0), (430, 9))):
        for i in range(count):
            parts.append(rect(280 + i * 22, floor_y - 64, 18, 64, binders[(i + row) % 5]))
        if count == 0:
            parts += [
                rect(300, floor_y - 40, 80, 40, "#d8c8a8", stroke="#a89878", sw=2),
                rect(390, floor_y - 40, 80, 40, "#d8c8a8", stroke="#a89878", sw=2),
            ]
        parts.append(rect(266, floor_y, 268, 12, p.main, stroke=p.dark, sw=2))
    parts += [
        rect(250, 80, 16, 440, p.main, stroke=p.dark),
        rect(534, 80, 16, 440, p.main, stroke=p.dark),
        rect(250, 80, 300, 16, p.main, stroke=p.dark),
        rect(250, 504, 300, 16, p.main, stroke=p.dark),
    ]
    return parts


def wardrobe(p: Palette, *, top: int = 70) -> list[str]:
    mid = (top + 500) // 2
    parts = [
        ellipse(400, 524, 190, 14, FLOOR),
        rect(270, top, 260, 440 - top + 70, p.main, stroke=p.dark),
    ]
    for x in (282, 406):
        parts.append(rect(x, top + 12, 112, 500 - top - 12, p.light, rx=3, stroke=p.dark, sw=2))
    parts += [
        rect(380, mid - 30, 8, 60, METAL, rx=4),
        rect(412, mid - 30, 8, 60, METAL, rx=4),
        ellipse(400, mid - 48, 6, 6, METAL),
        rect(276, 512, 248, 12, BLACK),
    ]
    return parts


def cupboard(p: Palette) -> list[str]:
    return wardrobe(p, top=230)


# --- screens and boards ------------------------------------------------------------------


def _fabric(x, y, w, h, p: Palette) -> list[str]:
    return [line(x + 20, yy, x + w - 20, yy, p.light, 2) for yy in range(y + 24, y + h - 10, 24)]


def desk_screen(p: Palette) -> list[str]:
    wood = palette("#dcc396")
    parts = [ellipse(400, 522, 300, 16, FLOOR)]
    parts += [rect(x, 366, 16, 150, METAL) for x in (150, 634)]
    parts += [
        rect(180, 140, 440, 170, p.main, rx=14, stroke=p.dark),
        *_fabric(180, 140, 440, 170, p),
    ]
    parts += _table_top(wood, 110, 690, 350, 40, 40)
    parts += [rect(x, 296, 16, 40, BLACK, rx=3) for x in (250, 534)]
    return parts


def floor_screen(p: Palette) -> list[str]:
    parts = [ellipse(400, 516, 260, 14, FLOOR)]
    parts += [
        rect(180, 90, 440, 380, p.main, rx=18, stroke=p.dark),
        *_fabric(180, 90, 440, 380, p),
    ]
    for x in (250, 550):
        parts += [rect(x - 6, 468, 12, 34, STEEL), rect(x - 55, 500, 110, 10, STEEL, rx=5)]
    return parts


def wall_whiteboard(p: Palette, *, mobile: bool = False) -> list[str]:
    parts = [] if mobile else [rect(0, 480, WIDTH, HEIGHT - 480, FLOOR)]
    if mobile:
        parts += [
            ellipse(400, 530, 260, 14, FLOOR),
            line(190, 420, 190, 500, STEEL, 10),
            line(610, 420, 610, 500, STEEL, 10),
            rect(130, 498, 120, 10, STEEL, rx=5),
            rect(550, 498, 120, 10, STEEL, rx=5),
            *(ellipse(x, 514, 10, 9, BLACK) for x in (140, 240, 560, 660)),
        ]
    parts += [
        rect(150, 100, 500, 320, p.main, rx=8, stroke=p.dark),
        rect(164, 114, 472, 292, "#ffffff"),
        path("M210 180 q40 -34 80 0 t80 0", "none", INK_BLUE, 4),
        line(214, 240, 390, 240, INK_RED, 4),
        line(214, 280, 350, 280, INK_BLUE, 4),
        rect(460, 160, 120, 80, "none", stroke=INK_BLUE, sw=4),
        line(400, 260, 456, 214, INK_BLUE, 4),
        rect(250, 420, 300, 12, METAL, rx=3),
        rect(300, 412, 40, 8, INK_BLUE, rx=3),
        rect(350, 412, 40, 8, INK_RED, rx=3),
    ]
    return parts


def whiteboard(p: Palette) -> list[str]:
    return wall_whiteboard(p, mobile=True)


# --- lamps -------------------------------------------------------------------------------


def desk_lamp(p: Palette) -> list[str]:
    return [
        poly([(494, 318), (606, 318), (690, 506), (410, 506)], LIGHT_BEAM),
        ellipse(300, 512, 90, 12, FLOOR),
        ellipse(300, 500, 75, 16, p.main, stroke=p.dark),
        line(300, 488, 370, 290, p.main, 12),
        line(314, 482, 384, 296, METAL, 3),
        line(370, 290, 540, 214, p.main, 12),
        line(376, 304, 540, 230, METAL, 3),
        *(ellipse(x, y, 10, 10, STEEL) for x, y in ((300, 488), (370, 290), (540, 214))),
        poly([(530, 206), (570, 206), (610, 318), (490, 318)], p.main, p.dark),
        ellipse(550, 318, 60, 10, LIGHT_BEAM, stroke=p.dark),
    ]


def floor_lamp(p: Palette) -> list[str]:
    return [
        poly([(320, 175), (480, 175), (560, 520), (240, 520)], LIGHT_BEAM),
        ellipse(400, 526, 110, 14, FLOOR),
        ellipse(400, 516, 80, 14, p.main, stroke=p.dark),
        line(400, 512, 400, 170, STEEL, 10),
        poly([(336, 90), (464, 90), (500, 175), (300, 175)], p.main, p.dark),
        ellipse(400, 175, 100, 10, LIGHT_BEAM, stroke=p.dark),
    ]


def _seats(n: int) -> Callable[[Palette], list[str]]:
    return lambda p: sofa(p, seats=n)


# Each kind's drawing, and the top-left corner of its 400×300 close-up window.
# fmt: off
KINDS: dict[str, tuple[Callable[[Palette], list[str]], tuple[int, int]]] = {
    "office_chair": (office_chair, (200, 200)),
    "executive_chair": (executive_chair, (200, 50)),
    "drafting_chair": (drafting_chair, (200, 150)),
    "conference_chair": (conference_chair, (200, 120)),
    "sofa": (_seats(3), (100, 180)),
    "loveseat": (_seats(2), (160, 180)),
    "lounge_chair": (_seats(1), (200, 180)),
    "desk": (desk, (100, 180)),
    "corner_desk": (corner_desk, (340, 180)),
    "sitstand": (sitstand, (380, 230)),
    "meeting_table": (meeting_table, (60, 170)),
    "canteen_table": (canteen_table, (200, 200)),
    "reception": (reception, (330, 130)),
    "filing_cabinet": (filing_cabinet, (200, 80)),
    "drawer_unit": (drawer_unit, (200, 230)),
    "shelf": (shelf, (200, 60)),
    "wardrobe": (wardrobe, (200, 120)),
    "cupboard": (cupboard, (200, 200)),
    "desk_screen": (desk_screen, (200, 100)),
    "floor_screen": (floor_screen, (150, 250)),
    "wall_whiteboard": (wall_whiteboard, (120, 150)),
    "whiteboard": (whiteboard, (120, 150)),
    "desk_lamp": (desk_lamp, (330, 150)),
    "floor_lamp": (floor_lamp, (200, 40)),
}
# fmt: on


def render(kind: str, colour_hex: str, *, close_up: bool = False) -> str:
    """The SVG document for one picture: the whole item, or the close-up of its detail."""
    draw, (x, y) = KINDS[kind]
    view = (x, y, WIDTH // 2, HEIGHT // 2) if close_up else (0, 0, WIDTH, HEIGHT)
    return document(draw(palette(colour_hex)), view)
