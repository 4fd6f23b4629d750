"""Polls of a cluster: dot votes, rankings, scores and choices by member organisations.

The rules (what a vote may hold, how votes count, who may vote) are `workflows.polls`;
`operations.py` changes rows, `queries.py` reads results, `views.py` the pages.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

POLL_KIND_LABELS = {
    "dot": _l("Dot vote"),
    "ranking": _l("Ranking"),
    "score": _l("Score (0–5)"),
    "choice": _l("Choice"),
}
VOTER_LABELS = {
    "organisation": _l("one vote per member organisation"),
    "person": _l("one vote per person"),
}
STATE_LABELS = {
    "scheduled": _l("not open yet"),
    "open": _l("open"),
    "closed": _l("closed"),
}
