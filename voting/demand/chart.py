"""Geometry of the server-drawn SVG charts on the demand page (no JavaScript, no inline styles:
the template writes these numbers into SVG presentation attributes)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from voting.demand.services import DayCount

WIDTH, HEIGHT = 900, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 12, 30
LABEL_EVERY = 15  # days between labels on the time axis


@dataclass
class Bar:
    day: DayCount
    x: float
    width: float
    up_y: float
    up_height: float
    down_y: float
    down_height: float


@dataclass
class Tick:
    y: float
    label: str


@dataclass
class DayLabel:
    x: float
    label: str
    anchor: str = "middle"  # the last label ends at the bar, so it stays inside the chart


@dataclass
class Chart:
    width: int
    height: int
    left: int
    right: float
    baseline: float
    bars: list[Bar]
    ticks: list[Tick]
    labels: list[DayLabel]
    total_up: int
    total_down: int
    busiest: DayCount | None

    @property
    def summary(self) -> str:
        if not self.bars:
            return "No days to show."
        first, last = self.bars[0].day.day, self.bars[-1].day.day
        text = (
            f"{self.total_up} up-vote{'s' if self.total_up != 1 else ''} and {self.total_down} "
            f"down-vote{'s' if self.total_down != 1 else ''} from {first:%d %b %Y} to {last:%d %b %Y}"
        )
        if self.busiest is not None:
            text += (
                f"; the busiest day was {self.busiest.day:%d %b} with "
                f"{self.busiest.up + self.busiest.down} vote{'s' if self.busiest.up + self.busiest.down != 1 else ''}"
            )
        return text + "."


def nice_ceiling(value: int) -> int:
    """The top of the value axis: four gridline steps of a round whole size (1, 2, 3, 4, 5, 6
    or 8 × 10^k) reaching at least `value`."""
    need = max(value, 1) / 4
    magnitude = 10 ** math.floor(math.log10(need)) if need >= 1 else 1
    for step in (1, 2, 3, 4, 5, 6, 8, 10):
        if step * magnitude >= need:
            return 4 * step * magnitude
    return 40 * magnitude


def vote_chart(days: list[DayCount]) -> Chart:
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_height
    top_value = nice_ceiling(max((d.up + d.down for d in days), default=0))
    slot = plot_width / max(len(days), 1)
    bar_width = max(slot * 0.72, 1.0)
    scale = plot_height / top_value
    bars = []
    for n, day in enumerate(days):
        x = LEFT + n * slot + (slot - bar_width) / 2
        up_height, down_height = day.up * scale, day.down * scale
        bars.append(
            Bar(
                day,
                round(x, 2),
                round(bar_width, 2),
                round(baseline - up_height, 2),
                round(up_height, 2),
                round(baseline - up_height - down_height, 2),
                round(down_height, 2),
            )
        )
    ticks = [Tick(round(baseline - plot_height * k / 4, 2), f"{top_value * k // 4:,}") for k in range(5)]
    labels = [
        DayLabel(
            round(LEFT + n * slot + slot / 2, 2), f"{days[n].day:%d %b}", "end" if n == len(days) - 1 else "middle"
        )
        for n in range(len(days) - 1, -1, -LABEL_EVERY)
    ][::-1]
    busiest = max((d for d in days if d.up + d.down), key=lambda d: (d.up + d.down, d.day), default=None)
    return Chart(
        WIDTH,
        HEIGHT,
        LEFT,
        WIDTH - RIGHT,
        baseline,
        bars,
        ticks,
        labels,
        sum(d.up for d in days),
        sum(d.down for d in days),
        busiest,
    )
