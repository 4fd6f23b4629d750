"""A synthetic strategy snapshot, for tests, the benchmark and previews.

Why here: tests and ``bench/render.py`` need the same realistic shape of data (the
default definition's stages and kinds, Polish text with lists, tables and links), and
sizing it (``sections``, ``actions``) is how the benchmark reaches 60 or 300 pages.
Deterministic: the same arguments give the same snapshot.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

_WORDS = [
    "klaster",
    "rozwój",
    "innowacje",
    "przedsiębiorstwa",
    "nauka",
    "współpraca",
    "łańcuch",
    "wartości",
    "region",
    "Mazowsze",
    "eksport",
    "chemia",
    "żywność",
    "zdrowie",
    "kompetencje",
    "cyfryzacja",
    "transformacja",
    "energetyczna",
    "badania",
    "wdrożenia",
    "inwestycje",
    "rynek",
    "partnerzy",
    "szkolenia",
    "jakość",
    "usługi",
]

_STAGES = (
    ("diagnosis", "Diagnoza", "approved"),
    ("goals", "Cele", "approved"),
    ("actions", "Działania", "in_review"),
    ("approval", "Zatwierdzenie", "drafting"),
)


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[:1].upper() + text[1:] + "."


def markdown_text(rng: random.Random, index: int) -> str:
    """About a page and a half of Markdown: paragraphs, lists, a table, a quote, a link."""
    parts = [
        _sentence(rng, 110),
        "",
        f"{_sentence(rng, 60)} **Najważniejsze:** *{_sentence(rng, 6)}* "
        f"Zobacz [opis działania](https://example.org/klaster/{index % 17}) oraz `KPI-{index}`.",
        "",
        "### " + _sentence(rng, 4)[:-1],
        "",
    ]
    for _ in range(5):
        parts.append(f"- {_sentence(rng, 12)}")
        parts.append(f"  - {_sentence(rng, 8)}")
    parts.append("")
    for n in range(1, 5):
        parts.append(f"{n}. {_sentence(rng, 10)}")
    parts += ["", "| Obszar | Opis | Wartość | Uwagi |", "|---|---|--:|---|"]
    for n in range(8):
        parts.append(f"| {_sentence(rng, 2)} | {_sentence(rng, 5)} | {n * 1250} | {_sentence(rng, 2)} |")
    parts += ["", "> " + _sentence(rng, 35), "", _sentence(rng, 120)]
    return "\n".join(parts)


def sample_snapshot(
    *,
    sections: int = 13,
    actions: int = 12,
    final: bool = False,
    language: str = "pl",
    version: int = 3,
    seed: int = 7,
) -> dict[str, Any]:
    """A strategy with ``sections`` sections in all (text sections fill the count)."""
    rng = random.Random(seed)
    goals = [
        {
            "id": f"g{g}",
            "title": f"Cel strategiczny {g}: {_sentence(rng, 4)[:-1]}",
            "description": _sentence(rng, 30),
            "objectives": [
                {
                    "id": f"g{g}o{o}",
                    "title": _sentence(rng, 5)[:-1],
                    "description": _sentence(rng, 20),
                }
                for o in range(1, 4)
            ],
        }
        for g in range(1, 4)
    ]
    start = date(2027, 1, 1)
    plan = [
        {
            "id": f"a{i}",
            "action": _sentence(rng, 6)[:-1],
            "objective_id": f"g{i % 3 + 1}o{i % 3 + 1}",
            "owner": f"Organizacja {i % 9 + 1}",
            "start": (start + timedelta(days=7 * (i % 100))).isoformat(),
            "end": (start + timedelta(days=7 * (i % 100) + 90)).isoformat(),
            "budget_pln": f"{(i % 50 + 1) * 1234.5:.2f}",
            "funding_source": "FEM 2021-2027",
            "kpi": "Liczba uczestników",
            "baseline": "0",
            "target": str(10 + i % 40),
        }
        for i in range(actions)
    ]
    kpis = [
        {
            "id": f"k{i}",
            "indicator": _sentence(rng, 4)[:-1],
            "unit": "szt.",
            "baseline": "0",
            "target": str(5 * i),
            "year": 2030,
        }
        for i in range(1, 9)
    ]
    structured = {
        "diagnosis": [
            {
                "key": "swot",
                "title": "Analiza SWOT",
                "kind": "swot",
                "content": {
                    "strengths": [_sentence(rng, 6) for _ in range(5)],
                    "weaknesses": [_sentence(rng, 6) for _ in range(4)],
                    "opportunities": [_sentence(rng, 6) for _ in range(4)],
                    "threats": [_sentence(rng, 6) for _ in range(3)],
                },
            },
        ],
        "goals": [
            {
                "key": "goals",
                "title": "Cele strategiczne i operacyjne",
                "kind": "goals",
                "content": goals,
            }
        ],
        "actions": [
            {"key": "action_plan", "title": "Plan działań", "kind": "action_plan", "content": plan},
            {"key": "kpi", "title": "Monitorowanie i wskaźniki", "kind": "kpi", "content": kpis},
        ],
        "approval": [],
    }
    texts = max(sections - 4, 1)
    stages = []
    counter = 0
    for number, (key, title, state) in enumerate(_STAGES):
        share = texts // 4 + (1 if number < texts % 4 else 0)
        stage_sections = []
        for n in range(share):
            counter += 1
            stage_sections.append(
                {
                    "key": f"{key}_{n}",
                    "title": f"Sekcja {counter}: {_sentence(rng, 3)[:-1]}",
                    "kind": "text",
                    "content": markdown_text(rng, counter),
                    "revision": 1,
                }
            )
        for section in structured[key]:
            stage_sections.append({**section, "revision": 2})
        stages.append(
            {
                "key": key,
                "title": title,
                "state": "approved" if final else state,
                "sections": stage_sections,
            }
        )
    kinds = ("enterprise", "enterprise", "business_support", "science", "enterprise", "other")
    organisations = [
        {
            "name": f"Organizacja {i + 1} sp. z o.o.",
            "kind": kinds[i % len(kinds)],
            "city": "Warszawa",
        }
        for i in range(18)
    ]
    meetings = [
        {
            "kind": "conference" if i == 0 else "workshop",
            "title": _sentence(rng, 3)[:-1],
            "number": i,
            "starts_at": f"2026-0{i + 3}-1{i}T10:00:00+01:00",
            "place": "Płock",
            "participants": 20 + 3 * i,
            "organisations": [o["name"] for o in organisations[: 5 + i]],
        }
        for i in range(7)
    ]
    signoffs = (
        [
            {
                "organisation": o["name"],
                "kind": o["kind"],
                "person": f"Osoba {i + 1}",
                "signed_at": "2026-11-20T12:00:00+00:00",
            }
            for i, o in enumerate(organisations[:12])
        ]
        if final
        else []
    )
    return {
        "language": language,
        "version": version,
        "created_at": "2026-11-27T12:00:00+00:00",
        "final": final,
        "cluster": {
            "slug": "klaster-chemiczny",
            "name": "Mazowiecki Klaster Chemiczny",
            "sector": "chemical",
            "goal": "Konkurencyjna i zielona chemia Mazowsza.",
        },
        "title": "Strategia rozwoju klastra" if language == "pl" else "Cluster development strategy",
        "stages": stages,
        "organisations": organisations,
        "organisation_kind_labels": {
            "enterprise": "Przedsiębiorstwa",
            "business_support": "Instytucje otoczenia biznesu",
            "science": "Jednostki naukowe",
            "other": "Inne",
        },
        "meetings": meetings,
        "signoffs": signoffs,
    }
