"""k-anonymity: no figure computed from fewer than OBSERVATORY_MIN_PEOPLE people.

Every figure the dashboards show or export is a `Cell` built here, with the number of
people it was computed from; below the threshold it shows "< 5" (pages and CSV alike).
Tables hold cells only, so a page and its CSV export cannot disagree.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _


def threshold() -> int:
    return settings.OBSERVATORY_MIN_PEOPLE


def below_label() -> str:
    return f"< {threshold()}"


@dataclass(frozen=True)
class Cell:
    """A figure, or a hidden one. `value` None and not hidden: nothing to show (—)."""

    value: float | int | None
    hidden: bool = False
    suffix: str = ""

    def __str__(self) -> str:
        if self.hidden:
            return below_label()
        if self.value is None:
            return "—"
        places = 1 if isinstance(self.value, float) else None
        return number_format(self.value, places, force_grouping=True) + self.suffix

    def csv(self) -> str:
        """The same figure for a CSV file: no grouping, a dot for decimals."""
        if self.hidden:
            return below_label()
        if self.value is None:
            return ""
        return f"{self.value:.1f}" if isinstance(self.value, float) else str(self.value)

    @property
    def number(self) -> float | None:
        """The value a chart may draw (None when hidden or empty)."""
        return None if self.hidden else self.value


def people(count: int) -> Cell:
    """A number of people."""
    return Cell(count, hidden=count < threshold())


def from_people(value, count: int, suffix: str = "") -> Cell:
    """A figure computed from `count` people (posts of their authors, a delay over their
    cases, a share of them)."""
    return Cell(value, hidden=count < threshold(), suffix=suffix)


def share(part: int, whole: int, count: int) -> Cell:
    """`part` of `whole`, in percent, computed from `count` people."""
    if not whole:
        return Cell(None)
    return from_people(round(100 * part / whole, 1), count, suffix=" %")


def plain(value) -> Cell:
    """A figure about no person (a number of communities, a date)."""
    return Cell(value)


def complement(cells: list[Cell]) -> list[Cell]:
    """Cells that add up to a figure shown elsewhere: one hidden alone could be worked
    out by subtraction, so the smallest figure shown beside it is hidden too."""
    hidden = [c for c in cells if c.hidden]
    if len(hidden) != 1:
        return cells
    shown = [(c.value, i) for i, c in enumerate(cells) if not c.hidden and c.value is not None]
    if not shown:
        return cells
    _, index = min(shown)
    return [Cell(c.value, hidden=True) if i == index else c for i, c in enumerate(cells)]


def explanation() -> str:
    return _("Any figure computed from fewer than %(k)s people is shown as “%(label)s”.") % {
        "k": threshold(),
        "label": below_label(),
    }
