"""Polish alphabetical order (CLDR) for people, organisations and clusters, on both databases:
the Python key, SQL's ORDER BY polish(...), and what the pages list."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import literal, select, union_all

from tests.conftest import sign_in
from webapp.collation import polish
from webapp.extensions import db
from workflows.collation import polish_key, polish_sorted

#: (earlier, later) as CLDR's Polish collation (ICU's pl) orders them.
PAIRS = [
    ("Lucyna", "Łukasz"),  # ł is a letter after l
    ("Malwina", "Małgorzata"),  # ... and so before m, r: CLDR puts Małgorzata before Marta
    ("Małgorzata", "Marta"),
    ("Czarnecki", "Ćwik"),  # ć after c, whatever follows
    ("Cyran", "Ćwik"),
    ("Zzz", "Źdźbło"),
    ("Źdźbło", "Żak"),
    ("Zzz", "Żak"),
    ("Azz", "Ąbc"),
    ("Ezz", "Ęa"),
    ("Nzz", "Ńa"),
    ("Ozz", "Óa"),
    ("Szz", "Śa"),
    ("lucyna", "Lucyna"),  # case only breaks ties, lower case first
    ("Lucyna", "lucynb"),
    ("Rene", "René"),  # other accents only break ties
    ("René", "Renf"),
    ("Anna", "Anna Kowalska"),
    ("2. etap", "Agata"),  # digits before letters
    ("dr Anna Król", "Elżbieta"),
]


@pytest.mark.parametrize(("earlier", "later"), PAIRS)
def test_the_key_orders_as_polish_readers_expect(earlier: str, later: str) -> None:
    assert polish_key(earlier) < polish_key(later)


def test_sorting_is_stable_whatever_the_input_order() -> None:
    names = [name for pair in PAIRS for name in pair]
    expected = polish_sorted(sorted(set(names)))
    shuffled = list(set(names))
    random.Random(17).shuffle(shuffled)
    assert polish_sorted(shuffled) == expected


def _sql_sorted(names: list[str]) -> list[str]:
    rows = union_all(*(select(literal(n).label("name")) for n in names)).subquery()
    return list(db.session.scalars(select(rows.c.name).order_by(polish(rows.c.name))))


#: Names whose order turns on hyphens, spaces, apostrophes, foreign accents, digits and case.
HARD_NAMES = [
    "Nowak", "Nowak-Jeziorański", "Nowak Jeziorański", "Nowakowski", "Ola", "Óla", "ola",
    "Żaneta", "Zenon", "Źrebiec", "Ćma", "Cyprian", "Łucja", "Lucja", "łucja", "Émile", "Emil",
    "Ósemka", "Osa", "Śliwa", "Sroka", "Szczepan", "A.B.C.", "ABC", "abc", "Abc", "O'Connor",
    "Oconnor", "Mc Donald", "McDonald", "2A", "10A", "Müller", "Muller", "Mueller", "Über", "Ubera",
]  # fmt: skip


def test_the_database_orders_as_the_key(appctx) -> None:
    """SQLite through the registered collation, PostgreSQL through ICU's pl-x-icu: both agree
    with the Python key, so a page sorted in SQL and an export sorted in Python agree."""
    names = sorted({name for pair in PAIRS for name in pair} | set(HARD_NAMES))
    assert _sql_sorted(names) == polish_sorted(names)


def test_pages_list_people_organisations_and_clusters_in_polish_order(client, accounts, appctx) -> None:
    from webapp.models import Cluster, Organisation, User

    # Names that only Polish order puts right: Ł after L, Ż after Z.
    db.session.add_all(
        [
            Organisation(name="Łódzka Izba Rzemiosła", kind="enterprise"),
            Organisation(name="Lubelski Park Naukowy", kind="enterprise"),
            Organisation(name="Żywiec Zdrój S.A.", kind="enterprise"),
            Organisation(name="Zakłady Azotowe", kind="enterprise"),
        ]
    )
    db.session.commit()
    sign_in(client, "admin@example.org")
    page = client.get("/admin/organisations").get_data(as_text=True)
    order = [page.index(n) for n in ("Lubelski Park", "Łódzka Izba", "Zakłady Azotowe", "Żywiec Zdrój")]
    assert order == sorted(order)
    names = db.session.scalars(select(Organisation.name).order_by(polish(Organisation.name))).all()
    assert names == polish_sorted(names)
    people = db.session.scalars(select(User.name).order_by(polish(User.name))).all()
    assert people == polish_sorted(people)
    clusters = db.session.scalars(select(Cluster.name).order_by(polish(Cluster.name))).all()
    assert clusters == polish_sorted(clusters)
