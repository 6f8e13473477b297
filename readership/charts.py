"""Charts drawn on the server: the coordinates an SVG template draws, from a series of counts.

No charting package and no script: `line_chart()` turns buckets of views (hours or days)
into a line, an area under it, and the labels of both axes, in the units of a fixed
viewBox that CSS scales to the page; `sparkline()` does the same for the desk's small
trend charts. The templates (admin/readership/includes/) draw them as <svg> with a
<title> and <desc>, coloured by the admin's CSS variables (static/css/readership-admin.css).
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone
from django.utils.formats import date_format, number_format

WIDTH, HEIGHT = 720, 220  # the viewBox
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 12, 28  # room for the axes' labels
MAX_X_TICKS = 8
MAX_Y_STEPS = 4
SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 80, 20, 2


@dataclass(frozen=True)
class Tick:
    at: float  # x or y in the viewBox
    label: str
    anchor: str = "middle"  # how an x label stands on its tick: "end" at the right edge, not cut off


class Drawing:
    """What a chart and a sparkline draw alike: `points` in a viewBox of `width` × `height`."""

    points: list[tuple[float, float]]
    width: int
    height: int

    @property
    def line(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in self.points)

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


@dataclass
class Chart(Drawing):
    key: str  # names the chart's ids: chart-<key>-title, chart-<key>-desc
    title: str
    description: str
    points: list[tuple[float, float]]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    peak: int
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    top: int = TOP
    baseline: float = HEIGHT - BOTTOM
    label_y: float = HEIGHT - BOTTOM + 18  # where the x labels stand

    @property
    def area(self) -> str:
        """The line closed along the baseline: the shape under it."""
        if not self.points:
            return ""
        first, last = self.points[0][0], self.points[-1][0]
        return f"{first:.1f},{self.baseline:.1f} {self.line} {last:.1f},{self.baseline:.1f}"


@dataclass
class Spark(Drawing):
    points: list[tuple[float, float]] = field(default_factory=list)
    width: int = SPARK_WIDTH
    height: int = SPARK_HEIGHT

    @property
    def zero_y(self) -> float:
        """Where a faint zero line is drawn: at the foot, whole inside the box."""
        return self.height - SPARK_PAD + 0.5


def step_for(peak: int) -> int:
    """The smallest 1, 2 or 5 × 10ⁿ that covers `peak` in at most MAX_Y_STEPS steps."""
    wanted = max(1, math.ceil(peak / MAX_Y_STEPS))
    magnitude = 10 ** (len(str(wanted)) - 1)
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= wanted:
            return factor * magnitude
    return 10 * magnitude  # pragma: no cover (the loop always returns)


def y_scale(peak: int) -> tuple[int, list[int]]:
    """The top of the y axis and the values labelled on it: 0 and whole steps up to the top."""
    step = step_for(peak)
    top = step * max(1, math.ceil(peak / step))
    return top, list(range(0, top + 1, step))


def x_positions(n: int) -> list[float]:
    plot = WIDTH - RIGHT - LEFT
    if n == 1:
        return [LEFT + plot / 2]
    return [LEFT + plot * i / (n - 1) for i in range(n)]


def thin(indexes: list[int], most: int = MAX_X_TICKS) -> list[int]:
    """Every k-th of `indexes`, so that at most `most` remain."""
    every = max(1, math.ceil(len(indexes) / most))
    return indexes[::every]


def line_chart(
    key: str,
    title: str,
    description: str,
    buckets: Sequence[tuple[datetime | date, int]],
    marks: Callable[[datetime | date], bool],
    label: Callable[[datetime | date], str],
) -> Chart:
    """A line of `buckets` ((start, views), oldest first); x labels on the buckets `marks` picks."""
    peak = max((views for _, views in buckets), default=0)
    top, y_values = y_scale(peak)
    xs = x_positions(len(buckets))
    plot_height = HEIGHT - BOTTOM - TOP

    def y_of(value: int) -> float:
        return HEIGHT - BOTTOM - plot_height * value / top

    marked = [i for i, (start, _) in enumerate(buckets) if marks(start)] or [0]
    return Chart(
        key=key,
        title=title,
        description=description,
        points=[(x, y_of(views)) for x, (_, views) in zip(xs, buckets, strict=True)],
        x_ticks=[x_tick(xs[i], label(buckets[i][0])) for i in thin(marked)] if buckets else [],
        y_ticks=[Tick(y_of(value), number_format(value, force_grouping=True)) for value in y_values],
        peak=peak,
    )


def x_tick(x: float, text: str) -> Tick:
    room = 4 * len(text)  # about half the label's width at the chart's font size
    if x + room > WIDTH:
        return Tick(x, text, "end")
    return Tick(x, text, "start" if x - room < 0 else "middle")


def sparkline(values: Sequence[int]) -> Spark:
    """A small line of `values` (oldest first), scaled to its own peak."""
    if not values:
        return Spark()
    peak = max(max(values), 1)
    inner_w, inner_h = SPARK_WIDTH - 2 * SPARK_PAD, SPARK_HEIGHT - 2 * SPARK_PAD
    step = inner_w / max(len(values) - 1, 1)
    return Spark(
        points=[
            (SPARK_PAD + i * step, SPARK_PAD + inner_h * (1 - value / peak)) for i, value in enumerate(values)
        ]
    )


# --- how the axes are labelled ------------------------------------------------------------


def local(moment: datetime | date) -> datetime | date:
    return timezone.localtime(moment) if isinstance(moment, datetime) else moment


def hourly_marks(span_hours: int) -> Callable[[datetime | date], bool]:
    """Every six hours over two days or less, else each midnight (local time)."""
    if span_hours <= 48:
        return lambda start: local(start).hour % 6 == 0
    return lambda start: local(start).hour == 0


def hourly_label(span_hours: int) -> Callable[[datetime | date], str]:
    def label(start):
        at = local(start)
        if span_hours <= 48 and at.hour:
            return date_format(at, "H:i")
        return date_format(at, "j M")

    return label


def daily_marks(span_days: int) -> Callable[[datetime | date], bool]:
    """Every day over a month or less, Mondays over a quarter, else the first of each month."""
    if span_days <= 31:
        return lambda day: True
    if span_days <= 92:
        return lambda day: day.weekday() == 0
    return lambda day: day.day == 1


def daily_label(span_days: int) -> Callable[[datetime | date], str]:
    return lambda day: date_format(day, "j M" if span_days <= 92 else "M Y")
