"""Original illustrations for the demo stories, drawn with Pillow when ``load_demo`` runs.

Flat scenes of a trade-news beat (a quay with container cranes, a container yard, a ship at
sea, a river with barges, warehouses and lorries, a tank farm, a route map, a chart), each
drawn on a 1600-unit-wide 3:2 canvas at twice the size asked for and halved, so slanted
edges are smooth. The same slug always draws the same picture: every choice comes from a
random generator seeded with it. ``draw`` returns the picture and alt text saying what it
shows; which kind a story gets, and its caption, are in ``demo/content.py`` (``PICTURES``).
"""

import io
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 1600, 1067  # 3:2, wide enough for every rendition (480, 960 and 1600)
# Stored pictures are reused, and their alt text comes from replaying the drawing: raise this
# with any change to what is drawn, so the new drawings are stored apart from the old ones.
DRAWINGS = 1
SUPERSAMPLE = 2

CONTAINER_COLOURS = [
    (196, 62, 48),
    (36, 98, 160),
    (22, 140, 120),
    (226, 126, 40),
    (236, 186, 52),
    (122, 46, 60),
    (118, 130, 140),
    (64, 142, 70),
    (230, 230, 224),
]
CRANE_COLOURS = [(214, 80, 52), (38, 104, 170), (238, 186, 44), (236, 236, 230)]
HULL_COLOURS = [(150, 38, 38), (34, 52, 80), (40, 90, 70), (60, 60, 66)]


@dataclass(frozen=True)
class Light:
    """A time of day: the sky, the distance and the water take their colours from it."""

    name: str
    sky_top: tuple
    sky_low: tuple
    sun: tuple
    far: tuple
    near: tuple
    water: tuple
    glint: tuple
    ground: tuple
    dark: tuple
    shade: float  # how far foreground colours lean towards `dark`


LIGHTS = [
    Light(
        "in the morning",
        (150, 198, 228),
        (252, 228, 200),
        (255, 244, 214),
        (168, 190, 204),
        (128, 156, 176),
        (74, 134, 166),
        (160, 206, 222),
        (200, 196, 186),
        (44, 58, 78),
        0.0,
    ),
    Light(
        "in the afternoon",
        (84, 152, 214),
        (196, 228, 242),
        (255, 252, 232),
        (150, 182, 200),
        (106, 142, 166),
        (32, 100, 150),
        (104, 168, 206),
        (192, 192, 186),
        (30, 44, 64),
        0.0,
    ),
    Light(
        "at dusk",
        (58, 58, 116),
        (248, 164, 112),
        (255, 216, 150),
        (126, 96, 136),
        (92, 72, 112),
        (58, 68, 118),
        (232, 146, 112),
        (96, 84, 104),
        (36, 30, 56),
        0.3,
    ),
]


def mix(a, b, t: float) -> tuple:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


class Canvas:
    """Drawing in units of a 1600 × 1067 picture, whatever the size of the image behind it."""

    def __init__(self, width: int, rng: random.Random, light: Light):
        self.width = width
        self.k = width * SUPERSAMPLE / WIDTH
        size = (round(WIDTH * self.k), round(HEIGHT * self.k))
        self.image = Image.new("RGB", size, light.sky_low)
        self.pen = ImageDraw.Draw(self.image)
        self.rng, self.light = rng, light

    def tone(self, colour) -> tuple:
        return mix(colour, self.light.dark, self.light.shade)

    def xy(self, points) -> list:
        return [(x * self.k, y * self.k) for x, y in points]

    def rect(self, x0, y0, x1, y1, fill):
        self.pen.rectangle(self.xy([(x0, y0), (x1, y1)]), fill=fill)

    def poly(self, points, fill):
        self.pen.polygon(self.xy(points), fill=fill)

    def line(self, points, fill, width):
        self.pen.line(self.xy(points), fill=fill, width=max(1, round(width * self.k)), joint="curve")

    def disc(self, x, y, r, fill):
        self.pen.ellipse(self.xy([(x - r, y - r), (x + r, y + r)]), fill=fill)

    def gradient(self, top, bottom, y0, y1):
        """A vertical blend from `top` to `bottom` between two heights."""
        column = Image.new("RGB", (1, 64))
        column.putdata([mix(top, bottom, i / 63) for i in range(64)])
        box = self.xy([(0, y0), (WIDTH, y1)])
        size = (self.image.width, max(1, round(box[1][1] - box[0][1])))
        column = column.resize((1, size[1]), Image.BILINEAR)  # blended down, then only copied across
        self.image.paste(column.resize(size, Image.NEAREST), (0, round(box[0][1])))

    def finish(self) -> Image.Image:
        return self.image.reduce(SUPERSAMPLE) if SUPERSAMPLE > 1 else self.image


# ---- pieces of scenery


def sky(c: Canvas, horizon: float, sun=True) -> float:
    """A sky down to the horizon, with clouds and perhaps the sun; where the sun is, across."""
    c.gradient(c.light.sky_top, c.light.sky_low, 0, horizon)
    sun_x = c.rng.uniform(200, 1400)
    if sun:
        y = horizon - c.rng.uniform(140, 380)
        c.disc(sun_x, y, 90, mix(c.light.sun, c.light.sky_low, 0.55))
        c.disc(sun_x, y, 62, c.light.sun)
    for _ in range(c.rng.randint(2, 4)):
        x = c.rng.uniform(80, 1520)
        if not sun or not sun_x - 420 < x < sun_x + 120:  # clouds keep clear of the sun
            cloud(c, x, c.rng.uniform(70, horizon * 0.55))
    return sun_x


def cloud(c: Canvas, x, y):
    colour = mix(c.light.sky_low, (255, 255, 255), 0.5)
    length = c.rng.uniform(160, 300)
    c.pen.rounded_rectangle(c.xy([(x, y), (x + length, y + 34)]), radius=17 * c.k, fill=colour)
    c.disc(x + length * 0.35, y + 4, 30, colour)
    c.disc(x + length * 0.6, y + 10, 22, colour)


def skyline(c: Canvas, base: float, colour, tall=260):
    """Towers of a city in the distance, with a few lit windows at dusk."""
    x = -20
    while x < WIDTH:
        w, h = c.rng.uniform(40, 110), c.rng.uniform(0.25, 1) * tall
        c.rect(x, base - h, x + w, base, colour)
        if c.rng.random() < 0.2:
            c.rect(x + w / 2 - 3, base - h - 40, x + w / 2 + 3, base - h, colour)
        if c.light.shade:
            for _ in range(int(h / 40)):
                wx, wy = c.rng.uniform(x + 6, x + w - 14), c.rng.uniform(base - h + 10, base - 14)
                c.rect(wx, wy, wx + 7, wy + 9, (250, 206, 120))
        x += w + c.rng.uniform(-10, 30)


def hills(c: Canvas, base: float, colour, height=120, steps=9):
    points = [(-10, base)]
    for i in range(steps + 1):
        points.append((i * WIDTH / steps, base - c.rng.uniform(0.3, 1) * height))
    c.poly([*points, (WIDTH + 10, base)], colour)


def water(c: Canvas, top: float, bottom=HEIGHT):
    c.gradient(c.light.water, mix(c.light.water, c.light.dark, 0.35), top, bottom)
    for _ in range(26):
        x, y = c.rng.uniform(0, WIDTH), c.rng.uniform(top + 12, bottom - 8)
        c.line([(x, y), (x + c.rng.uniform(40, 140), y)], c.light.glint, 3)


def container(c: Canvas, x, y, w, h, colour):
    c.rect(x, y, x + w, y + h, colour)
    ridge = mix(colour, (0, 0, 0), 0.22)
    for i in range(1, int(w // 12)):
        c.line([(x + i * w / (w // 12), y + 3), (x + i * w / (w // 12), y + h - 3)], ridge, 1.5)


def stack(c: Canvas, x0, x1, base, box_h, rows):
    """Rows of containers side by side, each a random colour, on a line `base`."""
    box_w = box_h * 2.3
    x = x0
    while x + box_w <= x1:
        height = rows if c.rng.random() < 0.7 else c.rng.randint(1, rows)
        for row in range(height):
            colour = c.tone(c.rng.choice(CONTAINER_COLOURS))
            container(c, x, base - (row + 1) * box_h, box_w - 3, box_h - 3, colour)
        x += box_w


def ship(c: Canvas, x0, x1, waterline, depth, cargo="containers"):
    """A ship in profile: hull, bridge at the stern, containers, holds or pipes on deck."""
    hull = c.tone(c.rng.choice(HULL_COLOURS))
    deck = waterline - depth
    c.poly([(x0, deck), (x1 + depth * 0.5, deck - 12), (x1, waterline), (x0 + depth * 0.3, waterline)], hull)
    c.rect(x0 + depth * 0.3, waterline - depth * 0.22, x1 - 6, waterline, c.tone((176, 58, 50)))
    bridge_w = (x1 - x0) * 0.11
    white = c.tone((240, 240, 236))
    c.rect(x0 + 40, deck - depth * 1.5, x0 + 40 + bridge_w, deck, white)
    c.rect(x0 + 30, deck - depth * 1.5 - 14, x0 + 50 + bridge_w, deck - depth * 1.5, white)
    for i in range(3):
        wy = deck - depth * 1.5 + 16 + i * depth * 0.42
        c.rect(x0 + 52, wy, x0 + 28 + bridge_w, wy + depth * 0.16, c.tone((60, 80, 104)))
    c.rect(x0 + 40 + bridge_w * 0.3, deck - depth * 1.9, x0 + 40 + bridge_w * 0.6, deck - depth * 1.5, hull)
    start = x0 + 60 + bridge_w
    if cargo == "containers":
        stack(c, start, x1 - depth * 0.4, deck, depth * 0.42, c.rng.randint(3, 5))
    elif cargo == "bulk":
        for x in range(int(start), int(x1 - 80), 130):
            c.rect(x, deck - 22, x + 100, deck, c.tone((90, 110, 100)))
            c.line([(x + 115, deck), (x + 115, deck - 110), (x + 60, deck - 60)], c.tone((238, 186, 44)), 7)
    else:  # tanker: a flat deck with a catwalk, pipes and a manifold crane
        pipe = c.tone((200, 200, 194))
        c.line([(start, deck - 10), (x1 - 40, deck - 10)], pipe, 6)
        c.line([(start, deck - 30), (x1 - 40, deck - 30)], pipe, 4)
        for x in range(int(start) + 20, int(x1 - 40), 90):
            c.line([(x, deck), (x, deck - 30)], pipe, 4)
        mid = (start + x1) / 2
        c.rect(mid - 20, deck - 70, mid + 20, deck, c.tone((238, 186, 44)))
        c.line([(mid, deck - 70), (mid + 120, deck - 120)], c.tone((238, 186, 44)), 8)
    c.line([(x1 + depth * 0.4, deck - 12), (x1 + depth * 0.4, deck - depth * 0.9)], white, 5)
    foam = mix(c.light.glint, (255, 255, 255), 0.5)
    for i in range(3):
        c.line(
            [(x1 - 30 + i * 20, waterline + 6 + i * 9), (x1 + 60 + i * 40, waterline + 6 + i * 9)], foam, 4
        )
    c.rect(x0 + depth * 0.4, waterline, x1 - 20, waterline + 10, mix(c.light.water, c.light.dark, 0.4))


def quay_crane(c: Canvas, x, ground, height, colour):
    """A ship-to-shore crane seen side-on: legs, a machinery house and a boom out over the water."""
    top = ground - height
    legs, boom_y = 130, top + 60
    for lx in (x, x + legs):
        c.line([(lx, ground), (lx, top + 40)], colour, 12)
    c.line([(x, ground - height * 0.45), (x + legs, ground - height * 0.45)], colour, 9)
    c.line([(x, top + 40), (x + legs, top + 40)], colour, 10)
    c.line([(x - 250, boom_y), (x + legs + 120, boom_y)], colour, 14)
    c.line([(x + legs * 0.5, top - 70), (x - 250, boom_y)], colour, 5)
    c.line([(x + legs * 0.5, top - 70), (x + legs + 120, boom_y)], colour, 5)
    c.line([(x + legs * 0.5, top - 70), (x + legs * 0.5, top + 40)], colour, 9)
    c.rect(x + legs * 0.2, boom_y - 30, x + legs * 0.95, boom_y + 10, mix(colour, (40, 40, 40), 0.25))
    hook_x = x - c.rng.uniform(40, 220)
    c.line([(hook_x, boom_y), (hook_x, boom_y + height * 0.42)], c.tone((50, 50, 56)), 2.5)
    c.rect(hook_x - 22, boom_y + height * 0.42, hook_x + 22, boom_y + height * 0.42 + 10, colour)


def lorry(c: Canvas, x, road, facing=1):
    """A lorry and its trailer carrying one container; `facing` -1 drives left."""
    colour = c.tone(c.rng.choice(CONTAINER_COLOURS))
    cab = c.tone(c.rng.choice([(236, 236, 230), (214, 80, 52), (38, 104, 170)]))
    body_x0, body_x1 = (x, x + 300) if facing > 0 else (x + 110, x + 410)
    cab_x0 = x + 310 if facing > 0 else x
    container(c, body_x0, road - 150, 300, 110, colour)
    c.rect(body_x0, road - 42, body_x1, road - 30, c.tone((60, 60, 64)))
    c.rect(cab_x0, road - 130, cab_x0 + 100, road - 30, cab)
    window_x = cab_x0 + 58 if facing > 0 else cab_x0 + 6
    c.rect(window_x, road - 118, window_x + 36, road - 82, c.tone((170, 206, 226)))
    for wx in (body_x0 + 40, body_x0 + 90, body_x1 - 50, cab_x0 + 50):
        c.disc(wx, road - 22, 22, (34, 34, 38))
        c.disc(wx, road - 22, 9, (150, 150, 150))


def tree(c: Canvas, x, base, size):
    green = c.tone(c.rng.choice([(58, 120, 74), (80, 140, 80), (44, 100, 70)]))
    c.rect(x - 4, base - size * 0.8, x + 4, base, c.tone((96, 72, 50)))
    c.disc(x, base - size, size * 0.45, green)
    c.disc(x - size * 0.25, base - size * 0.8, size * 0.32, green)


def tank(c: Canvas, x, base, w, h, colour):
    c.rect(x, base - h, x + w, base, colour)
    c.rect(x + w * 0.55, base - h, x + w, base, mix(colour, (0, 0, 0), 0.12))
    c.pen.ellipse(
        c.xy([(x, base - h - w * 0.12), (x + w, base - h + w * 0.12)]), fill=mix(colour, (255, 255, 255), 0.2)
    )
    c.line([(x, base - h * 0.5), (x + w, base - h * 0.5)], mix(colour, (0, 0, 0), 0.2), 3)


def encode(image: Image.Image) -> bytes:
    """The picture as a JPEG of the quality an editor's export would have."""
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    return buffer.getvalue()


def pick_light(rng: random.Random) -> Light:
    return rng.choices(LIGHTS, weights=[3, 4, 2])[0]


def seeded(slug: str, kind: str) -> random.Random:
    return random.Random(f"{kind}:{slug}")
