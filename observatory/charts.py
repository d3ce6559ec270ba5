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

WIDE, NARROW = 640, 360  # drawn twice: CSS shows the narrow one on phones
HEIGHT, TOP, BOTTOM = 260, 16, 48
DASHES = ["", "7 4", "2 4", "10 3 2 3"]
PATTERNS = ["solid", "hatch", "dots", "cross", "rows", "blank"]


def _n(value: float) -> str:
    return number_format(round(value), force_grouping=True)


def _ceiling(top: float) -> float:
    """A round upper bound for the axis whose quarters are whole numbers."""
    for power in range(12):
        for step in (1, 2, 2.5, 5) if power else (1, 2, 5):
            quarter = step * 10**power
            if 4 * quarter >= top:
                return 4 * quarter
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
        f'<pattern id="{uid}-rows" width="8" height="5" patternUnits="userSpaceOnUse">'
        '<rect width="8" height="5" class="pattern-bg"/>'
        '<line x1="0" y1="1" x2="8" y2="1" class="pattern-ink" stroke-width="1.5"/></pattern>'
        f'<pattern id="{uid}-blank" width="8" height="8" patternUnits="userSpaceOnUse">'
        '<rect width="8" height="8" class="pattern-bg"/></pattern>'
        "</defs>"
    )


def _fill(uid: str, index: int) -> str:
    kind = PATTERNS[index % len(PATTERNS)]
    return (
        f'class="part part-{index}"'
        if kind == "solid"
        else f'fill="url(#{uid}-{kind})" class="part"'
    )


class _Box:
    """The plot area for a width: room on the left for the axis, on the right for the
    names of the series."""

    def __init__(self, width: int):
        self.width = width
        self.left = 52 if width >= WIDE else 40
        self.right = 120 if width >= WIDE else 100
        self.plot_w = width - self.left - self.right
        self.plot_h = HEIGHT - TOP - BOTTOM


def both(draw, uid: str, *args) -> SafeString:
    """A chart for wide screens and the same for phones (one is hidden by CSS, so
    assistive technologies meet one of them)."""
    wide = draw(uid, *args, width=WIDE)
    narrow = draw(f"{uid}-n", *args, width=NARROW)
    return mark_safe(  # noqa: S308 - both were built from escaped text
        f'<div class="chart-wide">{wide}</div><div class="chart-narrow">{narrow}</div>'
    )


def _frame(uid: str, title: str, body: list[str], height: int, width: int) -> SafeString:
    return mark_safe(  # noqa: S308 - every piece of text was escaped above
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{uid}-title" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{uid}-title">{escape(title)}</title>{_defs(uid)}{"".join(body)}</svg>'
    )


def _y_axis(top: float, box: _Box) -> list[str]:
    parts = []
    plot_h = box.plot_h
    for i in range(5):
        value = top * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(
            f'<line x1="{box.left}" x2="{box.width - box.right}" y1="{y:.1f}" y2="{y:.1f}" '
            'class="grid"/>'
        )
        parts.append(
            f'<text x="{box.left - 6}" y="{y + 4:.1f}" class="tick" text-anchor="end">'
            f"{_n(value)}</text>"
        )
    return parts


def _x_labels(labels: list[str], xs: list[float], box: _Box) -> list[str]:
    plot_h = box.plot_h
    step = max(1, -(-len(labels) // (7 if box.width >= WIDE else 3)))
    parts = []
    for i in range(0, len(labels), step):
        parts.append(
            f'<text x="{xs[i]:.1f}" y="{TOP + plot_h + 18}" class="tick" text-anchor="middle">'
            f"{escape(labels[i])}</text>"
        )
    return parts


def line_chart(
    uid: str, title: str, labels: list[str], series: list[tuple[str, list[Cell]]], width=WIDE
):
    """Lines over time, one dash and one marker shape per series, named at their end."""
    box = _Box(width)
    plot_w, plot_h = box.plot_w, box.plot_h
    values = [c.number for _, cells in series for c in cells if c.number is not None]
    top = _ceiling(max(values, default=0))
    count = max(len(labels), 1)
    xs = [box.left + (plot_w * (i + 0.5) / count) for i in range(len(labels))]
    body = _y_axis(top, box)
    body += _x_labels(labels, xs, box)
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
                f'<text x="{width - box.right + 6}" y="{y + 4:.1f}" class="label">'
                f"{escape(_short(name))}</text>"
            )
    return _frame(uid, title, body, HEIGHT, width)


def _short(name: str) -> str:
    """A series' name without its parenthesis ("Active people (highest day)"): the
    table's heading says it in full."""
    return name.split(" (")[0]


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


def bar_chart(uid: str, title: str, labels: list[str], cells: list[Cell], width=WIDE):
    """One bar per label, its figure written above it ("< 5" where hidden)."""
    box = _Box(width)
    plot_w, plot_h = box.plot_w, box.plot_h
    top = _ceiling(max((c.number for c in cells if c.number is not None), default=0))
    count = max(len(labels), 1)
    slot = plot_w / count
    xs = [box.left + slot * (i + 0.5) for i in range(len(labels))]
    body = _y_axis(top, box)
    body += _x_labels(labels, xs, box)
    for i, cell in enumerate(cells):
        value = cell.number
        height = 0 if value is None else plot_h * value / top
        y = TOP + plot_h - height
        if height:
            body.append(
                f'<rect x="{xs[i] - slot * 0.35:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
                f'height="{height:.1f}" class="bar"/>'
            )
        if count <= (16 if width >= WIDE else 8):  # more would overlap: see the table
            text = below_label() if cell.hidden else (str(cell) if value else "")
            body.append(
                f'<text x="{xs[i]:.1f}" y="{y - 4:.1f}" class="value" text-anchor="middle">'
                f"{escape(text)}</text>"
            )
    return _frame(uid, title, body, HEIGHT, width)


def stacked_bars(
    uid: str, title: str, labels: list[str], parts: list[tuple[str, list[Cell]]], width=WIDE
):
    """One horizontal bar per label, split into its parts (100 %), each part filled with
    its own pattern, with its share written inside when it fits; a legend names them."""
    row_h, gap = 26, 10
    wide = width >= WIDE
    # The legend on one line on wide screens, one name a line on phones.
    legend_h = 28 if wide else 22 * len(parts) + 6
    height = TOP + legend_h + len(labels) * (row_h + gap) + 8
    left = 160 if wide else 118
    plot_w = width - left - 16
    body = []
    x, y = (left, TOP) if wide else (8, TOP)
    for index, (name, _) in enumerate(parts):
        body.append(f'<rect x="{x}" y="{y}" width="14" height="14" {_fill(uid, index)}/>')
        body.append(f'<text x="{x + 20}" y="{y + 12}" class="label">{escape(name)}</text>')
        if wide:
            x += 20 + 7 * len(name) + 24
        else:
            y += 22
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
    return _frame(uid, title, body, height, width)


def grid(
    uid: str,
    title: str,
    rows: list[str],
    columns: list[str],
    counts: list[list[Cell]],
    width=WIDE,
):
    """A small grid: one square per (row, column) with its count, each row with its own
    pattern."""
    wide = width >= WIDE
    cell_w, cell_h, head = (120, 34, 26) if wide else (70, 34, 26)
    left = 150 if wide else 84
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
    return _frame(uid, title, body, height, width)
