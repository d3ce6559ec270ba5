"""Server-rendered SVG charts: a time series, bars, 100 % stacked bars, a grid.

Readable without colour: each series has its own dash and marker and is labelled at
its end; stacked parts are filled with patterns and named in a legend; every bar
carries its figure. Hidden figures ("< 5") leave a gap and are written where a bar
would be. Each chart is followed on the page by the table it draws (and its CSV).
No script, no style attribute (the Content-Security-Policy forbids them): the look
comes from classes in static/css/rse.css.
"""

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .privacy import Cell, below_label

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 52, 120, 16, 48
DASHES = ["", "7 4", "2 4", "10 3 2 3"]
PATTERNS = ["solid", "hatch", "dots", "cross"]


def _n(value: float) -> str:
    return number_format(round(value), force_grouping=True)


def _ceiling(top: float) -> float:
    """A round upper bound for the axis."""
    if top <= 5:
        return 5
    magnitude = 10 ** (len(str(int(top))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= top:
            return step * magnitude
    return top


def _defs(uid: str) -> str:
    return (
        "<defs>"
        f'<pattern id="{uid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" class="pattern-bg"/>'
        '<line x1="0" y1="0" x2="0" y2="6" class="pattern-ink" stroke-width="3"/></pattern>'
        f'<pattern id="{uid}-dots" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<rect width="6" height="6" class="pattern-bg"/>'
        '<circle cx="3" cy="3" r="1.6" class="pattern-dot"/></pattern>'
        f'<pattern id="{uid}-cross" width="8" height="8" patternUnits="userSpaceOnUse">'
        '<rect width="8" height="8" class="pattern-bg"/>'
        '<path d="M0 0L8 8M8 0L0 8" class="pattern-ink" stroke-width="1.2"/></pattern>'
        "</defs>"
    )


def _fill(uid: str, index: int) -> str:
    kind = PATTERNS[index % len(PATTERNS)]
    return (
        f'class="part part-{index}"'
        if kind == "solid"
        else f'fill="url(#{uid}-{kind})" class="part"'
    )


def _frame(uid: str, title: str, body: list[str], height: int = HEIGHT) -> SafeString:
    return mark_safe(  # noqa: S308 - every piece of text was escaped above
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{uid}-title" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{uid}-title">{escape(title)}</title>{_defs(uid)}{"".join(body)}</svg>'
    )


def _y_axis(top: float, plot_h: int) -> list[str]:
    parts = []
    for i in range(5):
        value = top * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" class="tick" text-anchor="end">'
            f"{_n(value)}</text>"
        )
    return parts


def _x_labels(labels: list[str], xs: list[float], plot_h: int) -> list[str]:
    step = max(1, -(-len(labels) // 7))
    parts = []
    for i in range(0, len(labels), step):
        parts.append(
            f'<text x="{xs[i]:.1f}" y="{TOP + plot_h + 18}" class="tick" text-anchor="middle">'
            f"{escape(labels[i])}</text>"
        )
    return parts


def line_chart(uid: str, title: str, labels: list[str], series: list[tuple[str, list[Cell]]]):
    """Lines over time, one dash and one marker shape per series, named at their end."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    values = [c.number for _, cells in series for c in cells if c.number is not None]
    top = _ceiling(max(values, default=0))
    count = max(len(labels), 1)
    xs = [LEFT + (plot_w * (i + 0.5) / count) for i in range(len(labels))]
    body = _y_axis(top, plot_h)
    body += _x_labels(labels, xs, plot_h)
    ends: list[float] = []
    for index, (name, cells) in enumerate(series):
        dash = DASHES[index % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        run: list[str] = []
        last = None
        for i, cell in enumerate(cells):
            value = cell.number
            if value is None:
                if len(run) > 1:
                    body.append(
                        f'<polyline points="{" ".join(run)}" class="line line-{index}"{dash_attr}/>'
                    )
                run = []
                continue
            x, y = xs[i], TOP + plot_h - plot_h * value / top
            run.append(f"{x:.1f},{y:.1f}")
            body.append(_marker(index, x, y))
            last = (x, y)
        if len(run) > 1:
            body.append(
                f'<polyline points="{" ".join(run)}" class="line line-{index}"{dash_attr}/>'
            )
        if last is not None:
            y = last[1]
            while any(abs(y - other) < 12 for other in ends):
                y += 12
            ends.append(y)
            body.append(
                f'<text x="{WIDTH - RIGHT + 6}" y="{y + 4:.1f}" class="label">{escape(name)}</text>'
            )
    return _frame(uid, title, body)


def _marker(index: int, x: float, y: float) -> str:
    shape = index % 3
    if shape == 0:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" class="marker marker-{index}"/>'
    if shape == 1:
        return (
            f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6" '
            f'class="marker marker-{index}"/>'
        )
    return (
        f'<path d="M{x:.1f} {y - 4:.1f}L{x + 4:.1f} {y + 3:.1f}L{x - 4:.1f} {y + 3:.1f}Z" '
        f'class="marker marker-{index}"/>'
    )


def bar_chart(uid: str, title: str, labels: list[str], cells: list[Cell]):
    """One bar per label, its figure written above it ("< 5" where hidden)."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = _ceiling(max((c.number for c in cells if c.number is not None), default=0))
    count = max(len(labels), 1)
    slot = plot_w / count
    xs = [LEFT + slot * (i + 0.5) for i in range(len(labels))]
    body = _y_axis(top, plot_h)
    body += _x_labels(labels, xs, plot_h)
    for i, cell in enumerate(cells):
        value = cell.number
        height = 0 if value is None else plot_h * value / top
        y = TOP + plot_h - height
        if height:
            body.append(
                f'<rect x="{xs[i] - slot * 0.35:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
                f'height="{height:.1f}" class="bar"/>'
            )
        if count <= 31:
            text = below_label() if cell.hidden else (str(cell) if value else "")
            body.append(
                f'<text x="{xs[i]:.1f}" y="{y - 4:.1f}" class="value" text-anchor="middle">'
                f"{escape(text)}</text>"
            )
    return _frame(uid, title, body)


def stacked_bars(uid: str, title: str, labels: list[str], parts: list[tuple[str, list[Cell]]]):
    """One horizontal bar per label, split into its parts (100 %), each part filled with
    its own pattern, with its share written inside when it fits; a legend names them."""
    row_h, gap = 26, 10
    legend_h = 28
    height = TOP + legend_h + len(labels) * (row_h + gap) + 8
    left, plot_w = 110, WIDTH - 110 - 16
    body = []
    x = left
    for index, (name, _) in enumerate(parts):
        body.append(f'<rect x="{x}" y="{TOP}" width="14" height="14" {_fill(uid, index)}/>')
        body.append(f'<text x="{x + 20}" y="{TOP + 12}" class="label">{escape(name)}</text>')
        x += 20 + 9 * len(name) + 24
    for row, label in enumerate(labels):
        y = TOP + legend_h + row * (row_h + gap)
        body.append(
            f'<text x="{left - 8}" y="{y + row_h / 2 + 4:.1f}" class="tick" text-anchor="end">'
            f"{escape(label)}</text>"
        )
        cells = [cells[row] for _, cells in parts]
        if any(c.number is None for c in cells):
            body.append(
                f'<text x="{left}" y="{y + row_h / 2 + 4:.1f}" class="value">'
                f"{escape(below_label())}</text>"
            )
            continue
        total = sum(c.number or 0 for c in cells)
        if not total:
            continue
        x0 = float(left)
        for index, cell in enumerate(cells):
            w = plot_w * (cell.number or 0) / total
            if w <= 0:
                continue
            body.append(
                f'<rect x="{x0:.1f}" y="{y}" width="{w:.1f}" height="{row_h}" {_fill(uid, index)}/>'
            )
            if w > 44:
                share = number_format(100 * (cell.number or 0) / total, 0)
                body.append(
                    f'<text x="{x0 + w / 2:.1f}" y="{y + row_h / 2 + 4:.1f}" class="on-part" '
                    f'text-anchor="middle">{share} %</text>'
                )
            x0 += w
    return _frame(uid, title, body, height)


def grid(uid: str, title: str, rows: list[str], columns: list[str], counts: list[list[Cell]]):
    """A small grid: one square per (row, column) with its count, each row with its own
    pattern."""
    cell_w, cell_h, left, head = 120, 34, 150, 26
    height = TOP + head + len(rows) * (cell_h + 6) + 8
    body = []
    for j, name in enumerate(columns):
        x = left + j * (cell_w + 6) + cell_w / 2
        body.append(
            f'<text x="{x:.1f}" y="{TOP + 14}" class="tick" text-anchor="middle">'
            f"{escape(name)}</text>"
        )
    for i, name in enumerate(rows):
        y = TOP + head + i * (cell_h + 6)
        body.append(
            f'<text x="{left - 8}" y="{y + cell_h / 2 + 4:.1f}" class="tick" text-anchor="end">'
            f"{escape(name)}</text>"
        )
        for j, cell in enumerate(counts[i]):
            x = left + j * (cell_w + 6)
            body.append(
                f'<rect x="{x}" y="{y}" width="{cell_w}" height="{cell_h}" {_fill(uid, i)}/>'
            )
            body.append(
                f'<rect x="{x + cell_w / 2 - 22}" y="{y + 7}" width="44" height="20" rx="4" '
                'class="chip"/>'
                f'<text x="{x + cell_w / 2:.1f}" y="{y + cell_h / 2 + 5:.1f}" class="value" '
                f'text-anchor="middle">{escape(str(cell))}</text>'
            )
    return _frame(uid, title, body, height)
