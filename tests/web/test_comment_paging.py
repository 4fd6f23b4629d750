"""Thousands of comments on one section: the page and the API answer with a bounded
number of them, every comment the reader may see stays reachable, and no other."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import insert, select

from tests.conftest import api_token, bearer, sign_in
from webapp.comments.paging import PAGE_SIZE, layout
from webapp.extensions import db
from webapp.models import Cluster, Comment, Section, User

SLUG, KEY = "krea", "profile"
API = f"/api/v1/clusters/{SLUG}/sections/{KEY}/comments"
PAGE = f"/c/{SLUG}/s/{KEY}"
COMMENT_ID = re.compile(r'data-comment-id="(\d+)"')


class Thousands:
    """3,000 comments: 900 threads of two, one thread of 1,000 (half of them nested
    replies), 200 moderators-only notes; oldest first, one second apart."""

    def __init__(self, app, author_email: str) -> None:  # noqa: ANN001
        with app.app_context():
            section = db.session.scalar(
                select(Section).join(Cluster).where(Cluster.slug == SLUG, Section.key == KEY)
            )
            author = db.session.scalar(select(User.id).where(User.email == author_email))
            start = datetime(2030, 1, 1, tzinfo=UTC)
            clock = iter(range(10_000))
            base = {"cluster_id": section.cluster_id, "section_id": section.id}

            def rows(parents: list[int | None], visibility: str = "all") -> list[int]:
                values = [
                    {
                        **base,
                        "parent_id": parent,
                        "author_id": author,
                        "body": f"Uwaga {n}",
                        "quote": "",
                        "visibility": visibility,
                        "kind": "remark",
                        "resolution": "",
                        "created_at": start + timedelta(seconds=next(clock)),
                    }
                    for n, parent in enumerate(parents)
                ]
                statement = insert(Comment).returning(Comment.id, sort_by_parameter_order=True)
                return list(db.session.scalars(statement, values))

            self.big = rows([None])[0]
            roots = rows([None] * 900)
            self.replies = rows(roots)
            flat = rows([self.big] * 500)
            self.nested = rows(flat[:499])  # each a reply to a reply of the long thread
            self.notes = rows([None] * 100, "moderators") + rows([None] * 100, "moderators")
            db.session.commit()
            self.roots = roots
            self.everyone = sorted([self.big, *roots, *self.replies, *flat, *self.nested])


@pytest.fixture
def thousands(app, accounts) -> Thousands:  # noqa: ANN001
    return Thousands(app, accounts.email("moderator", SLUG))


@pytest.fixture
def member(app, accounts):  # noqa: ANN001, ANN201
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert sign_in(client, accounts.email("member", SLUG)).status_code == 302
    return client


def _shown(html: str) -> list[int]:
    return [int(n) for n in COMMENT_ID.findall(html)]


def _visible_before(app, accounts) -> set[int]:  # noqa: ANN001
    """The demo's own comments on the section, as the member sees them."""
    client = app.test_client()
    token = api_token(client, accounts.email("member", SLUG))
    return {c["id"] for c in client.get(API, headers=bearer(token)).get_json()["comments"]}


def test_a_section_with_3000_comments_shows_one_page_of_them(app, accounts, member):
    demo = _visible_before(app, accounts)
    data = Thousands(app, accounts.email("moderator", SLUG))
    expected = set(data.everyone) | demo
    html = member.get(PAGE).get_data(as_text=True)
    shown = _shown(html)
    assert 0 < len(shown) <= PAGE_SIZE + 1, len(shown)
    assert int(re.search(r"data-comment-count>(\d+)<", html).group(1)) == len(expected)
    pages = int(re.search(r'data-comment-pages="(\d+)"', html).group(1))
    assert pages >= len(expected) // PAGE_SIZE
    assert "data-comment-older" in html and "data-comment-newer" not in html
    # page 1: the newest threads, whole, in their order (oldest first, as on one page)
    newest = PAGE_SIZE // 2
    pairs = zip(data.roots[-newest:], data.replies[-newest:], strict=True)
    assert shown == [comment_id for pair in pairs for comment_id in pair]

    # every comment the member may see is on exactly one page, and nothing else is
    seen: dict[int, int] = {}
    for number in range(1, pages + 1):
        page = member.get(f"{PAGE}/comments?comments_page={number}").get_data(as_text=True)
        ids = _shown(page)
        assert len(ids) <= PAGE_SIZE + 1, (number, len(ids))
        for comment_id in ids:
            seen.setdefault(comment_id, number)
    assert set(seen) == expected
    assert not set(seen) & set(data.notes)


def test_a_link_to_a_comment_opens_its_page(app, accounts, member, thousands):
    for comment_id in (thousands.roots[0], thousands.nested[200], thousands.replies[-1]):
        html = member.get(f"{PAGE}?comment={comment_id}").get_data(as_text=True)
        assert f'id="comment-{comment_id}"' in html, comment_id
        assert len(_shown(html)) <= PAGE_SIZE + 1
    # a moderators-only note is not found for a member: page 1, nothing leaks
    html = member.get(f"{PAGE}?comment={thousands.notes[0]}").get_data(as_text=True)
    assert f'id="comment-{thousands.notes[0]}"' not in html
    assert 'data-comment-page="1"' in html
    # nonsense asks for page 1 or the last one, never an error
    for query in ("comments_page=abc", "comments_page=-4", "comments_page=999999", "comment=x"):
        assert member.get(f"{PAGE}?{query}").status_code == 200, query


def test_the_api_pages_the_list_and_names_the_next_page(app, accounts, thousands):
    client = app.test_client()
    headers = bearer(api_token(client, accounts.email("member", SLUG)))
    first = client.get(API, headers=headers)
    assert first.status_code == 200
    assert len(first.get_json()["comments"]) == 200  # the default limit
    collected: list[int] = []
    url: str | None = API
    requests = 0
    while url:
        answer = client.get(url, headers=headers)
        assert answer.status_code == 200
        items = answer.get_json()["comments"]
        assert set(items[0]) >= {"id", "author", "body", "visibility", "kind", "parent_id"}
        collected += [c["id"] for c in items]
        link = answer.headers.get("Link")
        url = re.fullmatch(r'<([^>]+)>; rel="next"', link).group(1) if link else None
        if url:
            assert int(parse_qs(urlsplit(url).query)["limit"][0]) == 200
        requests += 1
    assert requests == -(-len(collected) // 200)
    assert set(thousands.everyone) <= set(collected) and not set(collected) & set(thousands.notes)
    assert len(collected) == len(set(collected))  # oldest first, each once
    most = client.get(f"{API}?limit=500&offset=100", headers=headers).get_json()["comments"]
    assert [c["id"] for c in most] == collected[100:600]
    for bad in ("limit=501", "limit=0", "offset=-1", "limit=x"):
        refused = client.get(f"{API}?{bad}", headers=headers)
        assert refused.status_code == 422, bad
        assert set(refused.get_json()["error"]) >= {"code", "message"}


def test_a_small_section_reads_as_before(app, accounts, member):
    """Up to the default limit the API answers as it did: every comment, no Link."""
    client = app.test_client()
    headers = bearer(api_token(client, accounts.email("member", SLUG)))
    answer = client.get(API, headers=headers)
    assert answer.status_code == 200 and "Link" not in answer.headers
    assert "data-comment-pager" not in member.get(PAGE).get_data(as_text=True)


def test_pages_hold_whole_threads_and_cut_long_ones_from_their_end():
    rows = [(1, None), *[(i, 1) for i in range(2, 122)], (200, None), (201, 200)]
    pages = layout(rows, size=50)
    first = pages.page(1)
    assert [part.ids for part in first] == [[200, 201]]
    assert [(p.ids[:2], p.earlier, p.later) for p in pages.page(2)] == [([1, 72], True, False)]
    assert [(p.ids[:2], p.earlier, p.later) for p in pages.page(4)] == [([1, 2], False, True)]
    assert pages.page_of(121) == 2 and pages.page_of(1) == 4 and pages.page_of(201) == 1
    assert all(len(p.ids) <= 51 for n in range(1, pages.count + 1) for p in pages.page(n))
