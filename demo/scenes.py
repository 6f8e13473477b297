"""The kinds of demo illustration: each draws one scene and says, in its alt text, what it drew."""

import math

from PIL import Image

from demo.pictures import (
    CRANE_COLOURS,
    HEIGHT,
    WIDTH,
    Canvas,
    hills,
    lorry,
    mix,
    pick_light,
    quay_crane,
    seeded,
    ship,
    sky,
    skyline,
    stack,
    tank,
    tree,
    water,
)

NUMBERS = [
    "no",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]


def port(c: Canvas) -> str:
    horizon, quay = 560, 720
    sky(c, horizon)
    skyline(c, horizon, c.light.far)
    c.rect(0, horizon, WIDTH, quay, c.light.ground)
    c.rect(0, quay - 14, WIDTH, quay, mix(c.light.ground, c.light.dark, 0.3))
    stack(c, 900, WIDTH + 60, quay - 14, 38, c.rng.randint(2, 3))
    cranes = c.rng.randint(3, 4)
    colour = c.tone(c.rng.choice(CRANE_COLOURS))
    for i in range(cranes):
        quay_crane(c, 330 + i * (1100 / cranes) + c.rng.uniform(-20, 20), quay - 14, 470, colour)
    water(c, quay)
    ship(c, 120, 1380, 930, 110)
    return (
        f"Illustration of {NUMBERS[cranes]} container cranes along a quay, working a container ship "
        f"laden with coloured boxes, city towers behind, {c.light.name}."
    )


def yard(c: Canvas) -> str:
    horizon = 520
    sky(c, horizon)
    skyline(c, horizon, c.light.far, tall=160)
    c.gradient(c.light.ground, mix(c.light.ground, c.light.dark, 0.15), horizon, HEIGHT)
    stack(c, -40, WIDTH + 40, 690, 46, 3)
    gantries = c.rng.randint(2, 3)
    colour = c.tone(c.rng.choice(CRANE_COLOURS))
    for i in range(gantries):
        x = 140 + i * 1300 / gantries + c.rng.uniform(0, 120)
        for lx in (x, x + 320):
            c.line([(lx, 930), (lx, 560)], colour, 16)
        c.line([(x - 10, 560), (x + 330, 560)], colour, 22)
        c.rect(x + 120, 560, x + 200, 600, mix(colour, (40, 40, 40), 0.25))
        c.line([(x + 160, 600), (x + 160, 700)], c.tone((50, 50, 56)), 3)
    stack(c, -20, WIDTH + 40, 900, 70, 3)
    lorry(c, c.rng.uniform(100, 1100), 1050, facing=c.rng.choice([1, -1]))
    return (
        f"Illustration of a container yard: long rows of stacked containers under "
        f"{NUMBERS[gantries]} gantry cranes, {c.light.name}."
    )


def at_sea(c: Canvas, cargo: str) -> str:
    horizon = 600
    sky(c, horizon)
    hills(c, horizon, c.light.far, height=70, steps=5)
    water(c, horizon)
    x0 = c.rng.uniform(160, 320)
    clear = [x for x in range(20, 1480, 125) if x + 120 < x0 or x > x0 + 1120]  # not behind the ship
    waiting = c.rng.randint(0, min(3, len(clear)))
    for x in c.rng.sample(clear, waiting):  # ships at anchor, far off
        far = mix(c.light.far, c.light.dark, 0.35)
        c.poly(
            [(x, horizon + 4), (x + 110, horizon + 4), (x + 100, horizon + 16), (x + 6, horizon + 16)], far
        )
        c.rect(x + 8, horizon - 18, x + 24, horizon + 4, far)
        c.rect(x + 30, horizon - 8, x + 96, horizon + 4, far)
    ship(c, x0, x0 + 1060, 830, 120, cargo=cargo)
    tug_x = c.rng.choice([80, 1330])
    c.poly([(tug_x, 930), (tug_x + 170, 930), (tug_x + 150, 965), (tug_x + 20, 965)], c.tone((196, 62, 48)))
    c.rect(tug_x + 40, 890, tug_x + 100, 930, c.tone((240, 240, 236)))
    names = {"containers": "a container ship", "bulk": "a bulk carrier", "tanker": "a tanker"}
    return (
        f"Illustration of {names[cargo]} under way on open water, a tug nearby and a low coast "
        f"on the horizon{anchored(waiting)}, "
        f"{c.light.name}."
    )


def anchored(ships: int) -> str:
    if ships < 2:
        return ", with another ship at anchor far off" if ships else ""
    return f", with {NUMBERS[ships]} more ships at anchor far off"


def ship_scene(c: Canvas) -> str:
    return at_sea(c, "containers")


def bulk_scene(c: Canvas) -> str:
    return at_sea(c, "bulk")


def tanker_scene(c: Canvas) -> str:
    return at_sea(c, "tanker")


def river(c: Canvas) -> str:
    horizon = 520
    sky(c, horizon)
    hills(c, horizon, c.light.far, height=140)
    hills(c, horizon + 40, c.light.near, height=60)
    c.rect(0, horizon + 40, WIDTH, 640, c.tone((96, 136, 84)))
    for x in range(-20, WIDTH + 40, 70):
        tree(c, x + c.rng.uniform(-20, 20), 650, c.rng.uniform(60, 110))
    c.gradient(c.tone((132, 124, 92)), c.tone((96, 92, 70)), 640, HEIGHT)
    for _ in range(22):
        x, y = c.rng.uniform(0, WIDTH), c.rng.uniform(660, HEIGHT - 10)
        c.line([(x, y), (x + c.rng.uniform(40, 120), y)], c.tone((168, 160, 124)), 3)
    barges = c.rng.randint(2, 3)
    for i in range(barges):
        y = 760 + i * 120
        x0 = c.rng.uniform(60, 700) if i % 2 == 0 else c.rng.uniform(500, 900)
        hull = c.tone((70, 64, 60))
        c.poly([(x0, y - 36), (x0 + 640, y - 36), (x0 + 610, y + 6), (x0 + 20, y + 6)], hull)
        stack(c, x0 + 30, x0 + 520, y - 36, 34, 2)
        c.rect(x0 + 540, y - 96, x0 + 610, y - 36, c.tone((236, 236, 230)))
        c.rect(x0 + 548, y - 84, x0 + 602, y - 66, c.tone((60, 80, 104)))
    return (
        f"Illustration of {NUMBERS[barges]} river barges loaded with containers on a brown river, "
        f"palm-lined banks and hills behind, {c.light.name}."
    )


def warehouse(c: Canvas) -> str:
    horizon = 560
    sky(c, horizon)
    hills(c, horizon, c.light.far, height=80)
    c.rect(0, horizon, WIDTH, 860, c.light.ground)
    sheds = c.rng.randint(2, 3)
    wall = c.tone(c.rng.choice([(214, 220, 226), (224, 214, 196), (196, 214, 222)]))
    roof = c.tone((120, 130, 140))
    band = c.tone(c.rng.choice([(196, 62, 48), (36, 98, 160), (22, 140, 120), (226, 126, 40)]))
    width = WIDTH / sheds
    for i in range(sheds):
        x0, x1 = i * width + 30, (i + 1) * width - 30
        top = 560 - c.rng.uniform(0, 60)
        c.poly([(x0 - 10, top), ((x0 + x1) / 2, top - 50), (x1 + 10, top)], roof)
        c.rect(x0, top, x1, 840, wall)
        for x in range(int(x0) + 14, int(x1), 28):
            c.line([(x, top + 6), (x, 840)], mix(wall, (0, 0, 0), 0.07), 2)
        c.rect(x0, top + 16, x1, top + 46, band)
        c.rect(x0 - 6, 680, x1 + 6, 692, mix(wall, (0, 0, 0), 0.25))  # the canopy over the doors
        doors = int((x1 - x0) // 130)
        for d in range(doors):
            dx = x0 + 30 + d * (x1 - x0 - 40) / doors
            c.rect(dx, 700, dx + 90, 840, c.tone((150, 160, 170)))
            for y in range(706, 840, 14):
                c.line([(dx, y), (dx + 90, y)], c.tone((128, 138, 148)), 2)
    c.rect(0, 860, WIDTH, HEIGHT, c.tone((70, 72, 78)))
    for x in range(0, WIDTH, 140):
        c.rect(x, 960, x + 70, 968, c.tone((236, 220, 150)))
    lorries = c.rng.randint(1, 3)
    for i, slot in enumerate(sorted(c.rng.sample(range(3), lorries))):
        lorry(c, 80 + slot * 520 + c.rng.uniform(-30, 30), 945 + (i % 2) * 70, facing=c.rng.choice([1, -1]))
    if sheds == 2 or c.rng.random() < 0.5:
        for x in (c.rng.uniform(-20, 40), c.rng.uniform(1540, 1600)):
            tree(c, x, 860, c.rng.uniform(120, 170))
    traffic = (
        f"{NUMBERS[lorries]} lorries carrying containers" if lorries > 1 else "a lorry carrying a container"
    )
    return (
        f"Illustration of {NUMBERS[sheds]} warehouses with roller doors and {traffic} "
        f"on the road in front, {c.light.name}."
    )


def energy(c: Canvas) -> str:
    horizon = 600
    sun_x = sky(c, horizon)
    flare = 476 if abs(sun_x - 476) > 180 else 130  # not in front of the sun
    turbines = c.rng.randint(0, 4)
    for i in range(turbines):  # behind the tanks, whose tops they clear
        x = 700 + i * 200 + c.rng.uniform(0, 60)
        mast = c.light.far
        c.line([(x, horizon), (x, horizon - 240)], mast, 5)
        turn = c.rng.uniform(0, 2 * math.pi)
        for blade in range(3):
            a = turn + blade * 2 * math.pi / 3
            c.line([(x, horizon - 240), (x + 90 * math.cos(a), horizon - 240 + 90 * math.sin(a))], mast, 5)
    hills(c, horizon, c.light.far, height=60, steps=6)
    c.rect(0, horizon, WIDTH, HEIGHT, c.light.ground)
    colour = c.tone(c.rng.choice([(232, 232, 226), (206, 214, 220), (226, 214, 190)]))
    for i in range(5):
        x = 540 + i * 200 + c.rng.uniform(-20, 20)
        w = c.rng.uniform(150, 190)
        tank(c, x, 860, w, c.rng.uniform(120, 190), colour)
    steel = c.tone((120, 128, 140))
    for x, h in ((200, 420), (270, 360), (400, 300)):
        c.rect(x, 860 - h, x + 42, 860, steel)
        for y in range(int(860 - h) + 40, 860, 70):
            c.rect(x - 12, y, x + 54, y + 6, c.tone((238, 186, 44)))
    c.rect(flare - 6, 340, flare + 6, 860, steel)
    c.poly(
        [(flare, 340), (flare - 24, 300), (flare - 6, 250), (flare + 4, 290), (flare + 24, 300)],
        (248, 150, 60),
    )
    c.poly([(flare, 336), (flare - 10, 310), (flare, 280), (flare + 12, 310)], (255, 220, 120))
    for y in (870, 884):
        c.line([(0, y), (WIDTH, y)], c.tone((150, 156, 164)), 6)
    water(c, 900)
    what = f", {NUMBERS[turbines]} wind turbine{'s' * (turbines > 1)} in the distance" if turbines else ""
    return (
        "Illustration of an energy terminal: pale storage tanks, distillation columns and "
        f"a flare stack beside the water{what}, {c.light.name}."
    )


def chart(c: Canvas, trend: str) -> str:
    """Bars and a line that rise or fall: a figure a desk would chart, with no words to misquote."""
    dark = c.rng.random() < 0.4
    ground, panel = ((22, 34, 52), (32, 48, 72)) if dark else ((240, 236, 228), (252, 250, 246))
    grid = mix(panel, (128, 128, 128), 0.25)
    c.rect(0, 0, WIDTH, HEIGHT, ground)
    c.pen.rounded_rectangle(c.xy([(110, 110), (1490, 957)]), radius=28 * c.k, fill=panel)
    for i in range(6):
        y = 260 + i * 120
        c.line([(210, y), (1390, y)], grid, 2)
    n = c.rng.randint(8, 12)
    sign = 1 if trend == "rise" else -1
    values = [0.5 - sign * 0.25]
    for _ in range(n - 1):
        step = sign * c.rng.uniform(0.0, 0.1) + c.rng.uniform(-0.03, 0.03)
        values.append(min(0.92, max(0.1, values[-1] + step)))
    bar_colour, line_colour = c.rng.choice(
        [
            ((36, 98, 160), (226, 126, 40)),
            ((22, 140, 120), (196, 62, 48)),
            ((122, 46, 60), (236, 186, 52)),
            ((64, 142, 70), (36, 98, 160)),
            ((226, 126, 40), (22, 140, 120)),
        ]
    )
    span = 1180 / n
    points = []
    bars = c.rng.random() < 0.6  # else an area under the line
    for i, v in enumerate(values):
        x = 220 + i * span
        top = 860 - v * 600
        if bars:
            c.rect(x + span * 0.18, top, x + span * 0.82, 860, mix(bar_colour, panel, 0.15 * (i % 2)))
        points.append((x + span / 2, top - 40 * bars))
    if not bars:
        c.poly([(points[0][0], 860), *points, (points[-1][0], 860)], mix(bar_colour, panel, 0.55))
    c.line([(200, 860), (1400, 860)], mix(panel, (0, 0, 0), 0.5), 4)
    c.line(points, line_colour, 8)
    for x, y in points:
        c.disc(x, y, 13, line_colour)
        c.disc(x, y, 6, panel)
    c.pen.rounded_rectangle(c.xy([(210, 160), (560, 200)]), radius=20 * c.k, fill=grid)
    direction = "rising" if trend == "rise" else "falling"
    if bars:
        what = f"{NUMBERS[n]} bars {direction} from left to right, and a line with markers tracing them"
    else:
        what = f"a line with {NUMBERS[n]} markers {direction} from left to right over a shaded area"
    return f"Illustration of a chart: {what}, on a {'dark' if dark else 'light'} panel."


def route_map(c: Canvas) -> str:
    """A sea with islands and coasts, ports as rings, shipping lanes as dashed curves."""
    sea, shallows, land = (150, 198, 222), (186, 220, 234), (236, 228, 204)
    c.rect(0, 0, WIDTH, HEIGHT, sea)
    for x in range(0, WIDTH, 100):
        c.line([(x, 0), (x, HEIGHT)], mix(sea, (255, 255, 255), 0.25), 1.5)
    for y in range(0, HEIGHT, 100):
        c.line([(0, y), (WIDTH, y)], mix(sea, (255, 255, 255), 0.25), 1.5)
    for cx, cy, r in ((-60, 300, 420), (1660, 900, 480), (900, 120, 200), (700, 800, 160)):
        cx, cy = cx + c.rng.uniform(-60, 60), cy + c.rng.uniform(-60, 60)
        points = [
            (cx + r * c.rng.uniform(0.7, 1.15) * math.cos(a), cy + r * c.rng.uniform(0.7, 1.15) * math.sin(a))
            for a in [i * 2 * math.pi / 18 for i in range(18)]
        ]
        c.poly([(cx + (x - cx) * 1.08, cy + (y - cy) * 1.08) for x, y in points], shallows)
        c.poly(points, land)
    ports = []
    while len(ports) < 4 or (len(ports) < 5 and c.rng.random() < 0.5):
        x, y = c.rng.uniform(250, 1350), c.rng.uniform(200, 900)
        if all(math.dist((x, y), port) > 260 for port in ports):  # far enough apart to tell
            ports.append((x, y))
    ports.sort()
    lane = (196, 62, 48)
    for (x0, y0), (x1, y1) in zip(ports, ports[1:], strict=False):
        bend = c.rng.uniform(-160, 160)
        mx, my = (x0 + x1) / 2 + bend, (y0 + y1) / 2 - bend
        curve = [
            (
                (1 - t) ** 2 * x0 + 2 * (1 - t) * t * mx + t * t * x1,
                (1 - t) ** 2 * y0 + 2 * (1 - t) * t * my + t * t * y1,
            )
            for t in [i / 40 for i in range(41)]
        ]
        for a, b in zip(curve[::2], curve[1::2], strict=False):
            c.line([a, b], lane, 6)
    for x, y in ports:
        c.disc(x, y, 24, (255, 255, 255))
        c.disc(x, y, 15, (36, 98, 160))
    return (
        f"Illustration of a map: islands and coasts on a blue sea, {NUMBERS[len(ports)]} ports "
        "marked with rings and joined by dashed shipping lanes."
    )


KINDS = {
    "port": port,
    "yard": yard,
    "ship": ship_scene,
    "bulk": bulk_scene,
    "tanker": tanker_scene,
    "river": river,
    "warehouse": warehouse,
    "energy": energy,
    "chart-rise": lambda c: chart(c, "rise"),
    "chart-fall": lambda c: chart(c, "fall"),
    "map": route_map,
}


def draw(slug: str, kind: str, width: int = WIDTH) -> tuple[Image.Image, str]:
    """The picture of this kind for this story, `width` pixels wide (3:2), and its alt text."""
    rng = seeded(slug, kind)
    canvas = Canvas(width, rng, pick_light(rng))
    alt = KINDS[kind](canvas)
    return canvas.finish(), alt
