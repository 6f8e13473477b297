"""Draw Newsroom's icons: a serif "N" on the brand red, as SVG, PNG and ICO.

The letter is drawn from the same polygons in every format (no font is needed, so
the output is the same on every machine). Run it after changing the mark, and
commit what it writes:

    .venv/bin/python tools/make_icons.py

static/img/icon.svg          the tab icon for browsers that take SVG
static/favicon.ico           16, 32 and 48 px, for /favicon.ico and older browsers
static/img/icon-192.png      the web app manifest's icons (rounded corners)
static/img/icon-512.png
static/img/icon-maskable-512.png   full bleed: the platform cuts its own shape
static/img/apple-touch-icon.png    180 px, square: iOS rounds the corners itself
"""

from pathlib import Path

from PIL import Image, ImageDraw

STATIC = Path(__file__).resolve().parent.parent / "static"
RED = "#c70000"  # --accent in static/css/site.css
WHITE = "#ffffff"
GRID = 512  # the polygons below are drawn on a 512-unit square
CORNER = 96  # rounded corners of the "any" icons, in grid units

# A serif capital N: thin stems, a heavy diagonal, bracketless serifs.
LETTER = [
    [(166, 132), (196, 132), (196, 380), (166, 380)],  # left stem
    [(316, 132), (346, 132), (346, 384), (316, 384)],  # right stem
    [(166, 132), (236, 132), (346, 384), (278, 384)],  # diagonal
    [(130, 132), (232, 132), (232, 148), (130, 148)],  # top-left serif
    [(280, 132), (382, 132), (382, 148), (280, 148)],  # top-right serif
    [(130, 364), (232, 364), (232, 380), (130, 380)],  # foot serif
]
RULE = [(130, 408), (382, 408), (382, 420), (130, 420)]  # the masthead's rule under the letter


def scaled(shape, size, inset=0.0):
    """`shape` from the 512 grid onto a `size` square, shrunk towards the centre by `inset`."""
    scale = size / GRID * (1 - 2 * inset)
    offset = size * inset
    return [(offset + x * scale, offset + y * scale) for x, y in shape]


def draw(size: int, *, corner: int = CORNER, inset: float = 0.0) -> Image.Image:
    """The mark at `size` px, drawn 4× larger and scaled down for smooth edges."""
    big = size * 4
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=corner * big // GRID, fill=RED)
    for shape in [*LETTER, RULE]:
        pen.polygon(scaled(shape, big, inset), fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def svg() -> str:
    shapes = "".join(f'<path d="M{" L".join(f"{x} {y}" for x, y in shape)}Z"/>' for shape in [*LETTER, RULE])
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {GRID} {GRID}">'
        f'<rect width="{GRID}" height="{GRID}" rx="{CORNER}" fill="{RED}"/>'
        f'<g fill="{WHITE}">{shapes}</g></svg>\n'
    )


def main() -> None:
    img = STATIC / "img"
    img.mkdir(parents=True, exist_ok=True)
    (img / "icon.svg").write_text(svg())
    for size in (192, 512):
        draw(size).save(img / f"icon-{size}.png", optimize=True)
    # Maskable: the letter inside the central safe zone, the red to every edge.
    draw(512, corner=0, inset=0.12).save(img / "icon-maskable-512.png", optimize=True)
    draw(180, corner=0).convert("RGB").save(img / "apple-touch-icon.png", optimize=True)
    draw(256).save(STATIC / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    print("wrote", *sorted(p.name for p in img.glob("icon*")), "apple-touch-icon.png", "favicon.ico")


if __name__ == "__main__":
    main()
