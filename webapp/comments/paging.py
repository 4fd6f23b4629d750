"""Which comments a section page shows: pages of whole threads, newest first.

Why: a section with thousands of comments made a page of tens of megabytes that took
seconds to render. A page holds at most `PAGE_SIZE` comments. Threads are never cut
while they fit on a page; a longer thread is cut from its end, so its latest replies come
first and "older comments" always leads to older ones, and each later part shows the
thread's first comment again for context. Pure: (id, parent id) pairs in, ids out; the
rows come from webapp.comments.queries, which applies the visibility rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: Comments a page shows at most (plus, for a cut thread, its first comment again).
PAGE_SIZE = 50


@dataclass(frozen=True)
class Part:
    """One thread, or one cut of it, on a page: ``ids`` root first when it holds the root."""

    root: int
    ids: list[int]
    earlier: bool  # the thread's earlier replies are on older pages (root shown again)
    later: bool  # its later replies are on newer pages


@dataclass(frozen=True)
class Layout:
    """The pages of a section's comments for one reader; page 1 holds the newest."""

    pages: list[list[Part]]

    @property
    def count(self) -> int:
        return max(len(self.pages), 1)

    def page(self, number: int) -> list[Part]:
        """The parts of page ``number`` (clamped to the pages there are), oldest first."""
        if not self.pages:
            return []
        return list(reversed(self.pages[min(max(number, 1), len(self.pages)) - 1]))

    def page_of(self, comment_id: int) -> int | None:
        """The page showing this comment (its own place, not a repeat), if any."""
        for number, parts in enumerate(self.pages, 1):
            for part in parts:
                if comment_id in part.ids and not (part.earlier and part.ids[0] == comment_id):
                    return number
        return None


def threads(rows: Sequence[tuple[int, int | None]]) -> list[list[int]]:
    """(id, parent id) rows, oldest first -> threads in the order of their roots, each
    root first, then every reply under it (at any depth) in the rows' order.

    A reply whose parent is not among the rows starts its own thread rather than vanish
    (it cannot happen for a reader: a reply is never wider than its parent).
    """
    parent_of = dict(rows)
    root_of: dict[int, int] = {}

    def root(comment_id: int) -> int:
        path: list[int] = []
        walked: set[int] = set()
        node = comment_id
        while node not in root_of:
            parent = parent_of.get(node)
            if parent is None or parent not in parent_of or parent in walked:
                root_of[node] = node
                break
            path.append(node)
            walked.add(node)
            node = parent
        for step in path:  # remembered, so a long chain of replies is walked once
            root_of[step] = root_of[node]
        return root_of[node]

    groups: dict[int, list[int]] = {}
    for comment_id, _parent in rows:
        top = root(comment_id)
        if top == comment_id:
            groups.setdefault(top, []).insert(0, comment_id)  # a root leads its thread
        else:
            groups.setdefault(top, []).append(comment_id)
    roots = [comment_id for comment_id, _parent in rows if root_of[comment_id] == comment_id]
    return [groups[top] for top in roots]


def layout(rows: Sequence[tuple[int, int | None]], size: int = PAGE_SIZE) -> Layout:
    """Pack the threads newest first into pages of at most ``size`` comments."""
    pages: list[list[Part]] = []
    current: list[Part] = []
    used = 0
    for thread in reversed(threads(rows)):
        end = len(thread)
        while end > 0:
            start = 0 if end <= size else end - size
            ids = thread[start:end]
            if used and used + len(ids) > size:
                pages.append(current)
                current, used = [], 0
            earlier = start > 0
            shown = [thread[0], *ids] if earlier else ids
            current.append(Part(thread[0], shown, earlier, end < len(thread)))
            used += len(ids)
            end = start
    if current:
        pages.append(current)
    return Layout(pages)
