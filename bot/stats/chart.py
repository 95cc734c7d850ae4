"""The review chart: reports received per month, one bar per district (PNG, matplotlib Agg).

Drawn on a Figure with the Agg canvas directly, never through pyplot: no global state, no
display needed, safe to run in a worker thread. Text uses DejaVu Sans, which matplotlib ships
and which has every Vietnamese letter (ạ ắ ề ỗ ự …), so labels render without tofu boxes.
"""

from __future__ import annotations

import io

from bot.areas import Areas
from bot.i18n import Translator
from bot.stats import labels
from bot.stats.figures import Statistics

FONT = "DejaVu Sans"
COLOURS = ("#1F4E79", "#E07B39", "#4C9A2A", "#8E5EA2", "#C0392B", "#7F8C8D")
SIZE_INCHES = (9.0, 5.0)
DPI = 120


def _districts(figures: Statistics, areas: Areas) -> list[str]:
    """The districts to draw: the one in scope, or every district in use plus any that has
    reports (an old code keeps its bars)."""
    if figures.district is not None:
        return [figures.district]
    codes = [district.code for district in areas.groups()]
    for month in figures.reports.by_month.values():
        codes += [code for code in month if code not in codes]
    return codes


def render(figures: Statistics, areas: Areas, translate: Translator) -> bytes:
    """PNG bytes of the monthly chart."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    _ = labels.plain(translate)
    months = list(figures.reports.by_month)
    districts = _districts(figures, areas)
    figure = Figure(figsize=SIZE_INCHES, dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    width = 0.8 / max(1, len(districts))
    positions = range(len(months))
    for index, code in enumerate(districts):
        counts = [figures.reports.by_month[month].get(code, 0) for month in months]
        offsets = [x - 0.4 + width * (index + 0.5) for x in positions]
        bars = axes.bar(
            offsets,
            counts,
            width,
            label=areas.group_name(code, _.language),
            color=COLOURS[index % len(COLOURS)],
        )
        axes.bar_label(
            bars,
            labels=[str(n) if n else "" for n in counts],
            fontsize=9,
            padding=2,
            fontfamily=FONT,
        )
    axes.set_xticks(list(positions))
    axes.set_xticklabels(
        [_("Month {month}/{year}", month=month, year=year) for year, month in months],
        fontfamily=FONT,
        rotation=0 if len(months) <= 6 else 45,
        ha="center" if len(months) <= 6 else "right",
    )
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(bottom=0, top=max(1, _highest(figures)) * 1.15)
    axes.set_ylabel(_("Reports received"), fontfamily=FONT)
    axes.set_title(
        _(
            "Reports received per month by area, {period}",
            period=labels.period_label(figures.period, _),
        ),
        fontfamily=FONT,
        fontsize=12,
        fontweight="bold",
    )
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", alpha=0.3)
    axes.set_axisbelow(True)
    # Beside the plot, so it never covers a bar.
    legend = axes.legend(
        prop={"family": FONT}, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0)
    )
    legend.set_title(_("Programme area"), prop={"family": FONT})  # type: ignore[arg-type]
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _highest(figures: Statistics) -> int:
    return max(
        (n for month in figures.reports.by_month.values() for n in month.values()), default=0
    )
