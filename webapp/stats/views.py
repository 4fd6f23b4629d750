"""The statistics pages: over the clusters a person may see (the agency: all) and per cluster.

Charts are drawn by `charts` (matplotlib, server-side) and served from their own URLs as
SVG images, so the page needs no script and no inline style; each chart has a table with
the same figures beside it, for screen readers and for copying.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from charts import figures as charts
from webapp.access import cluster_for
from webapp.csv_export import csv_bytes
from webapp.downloads import content_disposition
from webapp.extensions import login_manager
from webapp.i18n_labels import ORGANISATION_KIND_LABELS, STAGE_STATE_LABELS, stage_state_label
from webapp.meetings.operations import default_title
from webapp.meetings.queries import MeetingRow, meetings_of
from webapp.models import Cluster
from webapp.stats.periods import Month, activity_by_month
from webapp.stats.queries import Stats, compute, visible_to
from workflows.roles import StatisticsScope

bp = Blueprint("stats", __name__)

CHARTS = ("organisations", "participants", "progress", "activity")
#: Inches of a chart drawn for a phone (`?size=narrow`, the page's <picture> source below 576 px):
#: shown about at its own size there, so its text stays legible instead of shrinking with the picture.
NARROW = 4.0
#: An SVG image is a document of its own: nothing may run, load or style in it (the
#: charts carry presentation attributes, not CSS: charts.svg).
SVG_CSP = (
    "default-src 'none'; style-src 'none'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'none'"
)


def _visible() -> tuple[StatisticsScope, Stats]:
    """The agency sees all clusters together; anyone else the clusters they are part of."""
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    return visible_to(current_user)


def _lang() -> str:
    return str(get_locale() or "pl")


# --- pages ---------------------------------------------------------------------------


@bp.route("/stats")
def agency():
    scope, stats = _visible()
    return _page(stats, None, None, scope)


@bp.route("/c/<slug>/stats")
def cluster(slug: str):
    found, _role = cluster_for(slug)
    return _page(compute([found.id]), found, meetings_of(found))


def _page(
    stats: Stats,
    cluster: Cluster | None,
    meetings: list[MeetingRow] | None,
    scope: StatisticsScope | None = None,
) -> str:
    if cluster is None:
        chart_url = lambda name, **kw: url_for("stats.agency_chart", name=name, **kw)  # noqa: E731
        csv_url = url_for("stats.agency_csv")
    else:
        chart_url = lambda name, **kw: url_for("stats.cluster_chart", slug=cluster.slug, name=name, **kw)  # noqa: E731
        csv_url = url_for("stats.cluster_csv", slug=cluster.slug)
    lang = _lang()
    return render_template(
        "stats/dashboard.html",
        stats=stats,
        cluster=cluster,
        meetings=meetings,
        scope=scope,
        chart_url=chart_url,
        csv_url=csv_url,
        stage_titles={key: title.get(lang) for key, title in stats.stage_titles.items()},
        week_label=lambda week: format_date(week.start, "medium"),
        activity_months=_months(stats),
        month_label=_month_label,
    )


# --- charts --------------------------------------------------------------------------


def _months(stats: Stats) -> list[Month]:
    return activity_by_month([c.id for c in stats.clusters])


def _month_label(month: Month) -> str:
    """The month as people name it, in their language: "paź 2013", "Oct 2013"."""
    return format_date(month.start, "LLL yyyy")


def _chart(stats: Stats, name: str, meetings: list[MeetingRow] | None) -> Response:
    # One title per chart: the page's heading above it; the picture carries none of its own.
    lang = _lang()
    width = {"width": NARROW} if request.args.get("size") == "narrow" else {}
    if name == "organisations":
        labels = {kind: str(label) for kind, label in ORGANISATION_KIND_LABELS.items()}
        body = charts.organisation_mix(stats.organisations, labels, **width)
    elif name == "participants" and meetings is not None:
        # Short names ("Workshop 3") keep the bars readable; titles are in the table.
        values = [
            (
                default_title(row.meeting.kind, row.meeting.number)
                if row.meeting.kind != "other"
                else row.meeting.title,
                row.participants,
            )
            for row in meetings
            if row.meeting.held
        ]
        body = charts.bar_chart(values, "", **width)
    elif name == "participants":
        values = [(c.name, c.participants) for c in stats.clusters]
        body = charts.bar_chart(values, "", **width)
    elif name == "progress":
        keys = stats.stage_keys
        rows = [(c.name, [dict(c.stages).get(key, "") for key in keys]) for c in stats.clusters]
        body = charts.stage_progress(
            rows,
            {state: str(label) for state, label in STAGE_STATE_LABELS.items()},
            stage_labels=[stats.stage_titles[key].get(lang) for key in keys],
        )
    elif name == "activity":
        months = [(_month_label(m), m.revisions, m.comments) for m in _months(stats)]
        body = charts.activity(months, {"revisions": _("Revisions"), "comments": _("Comments")}, **width)
    else:
        abort(404)
    response = Response(body, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = SVG_CSP
    response.headers["Cache-Control"] = "private, max-age=60"
    return response


@bp.route("/stats/charts/<name>.svg")
def agency_chart(name: str):
    if name not in CHARTS:
        abort(404)
    return _chart(_visible()[1], name, None)


@bp.route("/c/<slug>/stats/charts/<name>.svg")
def cluster_chart(slug: str, name: str):
    found, _role = cluster_for(slug)
    if name not in CHARTS:
        abort(404)
    meetings = meetings_of(found) if name == "participants" else None
    return _chart(compute([found.id]), name, meetings)


# --- CSV -----------------------------------------------------------------------------


def _csv(stats: Stats, filename: str) -> Response:
    """One row per cluster and a row for all of them (organisations counted once there)."""
    lang = _lang()
    keys = stats.stage_keys
    rows: list[list[object]] = [
        [
            _("Cluster"),
            _("Short name"),
            _("Organisations"),
            *[str(ORGANISATION_KIND_LABELS[k]) for k in stats.organisations],
            _("Conference participants"),
            _("Workshops held"),
            _("Workshops planned"),
            *[stats.stage_titles[key].get(lang) for key in keys],
        ]
    ]
    for c in stats.clusters:
        states = dict(c.stages)
        rows.append(
            [
                c.name,
                c.slug,
                c.organisations,
                *[c.kinds.get(k, 0) for k in stats.organisations],
                c.participants,
                c.workshops_held,
                c.workshops_planned,
                *[stage_state_label(states.get(key, ""), stats.stage_defs.get(key)) for key in keys],
            ]
        )
    rows.append(
        [
            _("All clusters (%(count)d)", count=len(stats.clusters)),
            "",
            stats.distinct_organisations,
            *stats.organisations.values(),
            stats.conference_participants,
            stats.workshops_held,
            stats.workshops_planned,
            *["" for _key in keys],
        ]
    )
    rows.append([_("Memberships"), "", stats.memberships])
    rows.append([_("Organisations per cluster on average"), "", stats.avg_organisations_per_cluster])
    return Response(
        csv_bytes(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": content_disposition(filename)},
    )


@bp.route("/stats.csv")
def agency_csv():
    return _csv(_visible()[1], "statistics.csv")


@bp.route("/c/<slug>/stats.csv")
def cluster_csv(slug: str):
    found, _role = cluster_for(slug)
    return _csv(compute([found.id]), f"statistics-{found.slug}.csv")
