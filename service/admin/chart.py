"""Geometry for the per-day chart, drawn as inline SVG by the template (no JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass

from service.admin.dashboard import Day

WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 12, 28


@dataclass(frozen=True)
class Bar:
    """One day's signup bar, with its download point and label."""

    x: float
    y: float
    width: float
    height: float
    point_y: float
    label: str | None
    title: str


@dataclass(frozen=True)
class Chart:
    """Everything the SVG needs."""

    width: int
    height: int
    baseline: float
    top: float
    maximum: int
    bars: list[Bar]
    line: str  # the downloads polyline's points


def _nice_max(value: int) -> int:
    """A round upper bound for the y axis."""
    for step in (5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 50_000, 100_000):
        if value <= step:
            return step
    return value


def build(days: list[Day]) -> Chart:
    """Scale the days into the drawing area: signups as bars, downloads as a line."""
    maximum = _nice_max(max([1] + [max(d.signups, d.downloads) for d in days]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(days), 1)
    label_every = max(1, len(days) // 6)
    bars = []
    for i, day in enumerate(days):
        height = plot_h * day.signups / maximum
        x = LEFT + i * slot
        bars.append(Bar(
            x=round(x + slot * 0.15, 1), y=round(TOP + plot_h - height, 1), width=round(slot * 0.7, 1),
            height=round(height, 1), point_y=round(TOP + plot_h - plot_h * day.downloads / maximum, 1),
            label=day.day.strftime("%b %d") if i % label_every == 0 else None,
            title=f"{day.day.isoformat()}: {day.signups} signups, {day.downloads} downloads",
        ))
    line = " ".join(f"{b.x + b.width / 2:.1f},{b.point_y}" for b in bars)
    return Chart(WIDTH, HEIGHT, TOP + plot_h, TOP, maximum, bars, line)
