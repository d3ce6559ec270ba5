"""A small SVG line chart (no plotting library needed): p95 per page by dataset size."""

from html import escape

COLOURS = ["#1b5e9b", "#b3472d", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#5d4037", "#c2185b"]


def line_chart(title: str, sizes: list[str], series: dict[str, list[float | None]]) -> str:
    width, height, left, right, top, bottom = 760, 420, 60, 230, 40, 50
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for line in series.values() for v in line if v is not None]
    ceiling = max(values + [1.0]) * 1.1
    step = plot_w / max(1, len(sizes) - 1)

    def x(i: int) -> float:
        return left + i * step

    def y(v: float) -> float:
        return top + plot_h - v / ceiling * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="12">',
        f'<text x="{left}" y="22" font-size="15">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="#333"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#333"/>',
    ]
    for k in range(5):
        v = ceiling * k / 4
        parts.append(f'<text x="{left - 8}" y="{y(v) + 4:.1f}" text-anchor="end">{v:.0f}</text>')
        parts.append(
            f'<line x1="{left}" y1="{y(v):.1f}" x2="{left + plot_w}" y2="{y(v):.1f}" '
            'stroke="#ddd"/>'
        )
    middle = top + plot_h / 2
    parts.append(f'<text x="14" y="{middle}" transform="rotate(-90 14 {middle})">p95 (ms)</text>')
    for i, size in enumerate(sizes):
        label = f'x="{x(i):.1f}" y="{top + plot_h + 20}" text-anchor="middle"'
        parts.append(f"<text {label}>{escape(size)}</text>")
    for n, (name, line) in enumerate(series.items()):
        colour = COLOURS[n % len(COLOURS)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(line) if v is not None)
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )
        legend_y = top + 16 * n
        box = f'x="{left + plot_w + 16}" y="{legend_y}" width="12" height="12"'
        parts.append(f'<rect {box} fill="{colour}"/>')
        parts.append(f'<text x="{left + plot_w + 34}" y="{legend_y + 10}">{escape(name)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
