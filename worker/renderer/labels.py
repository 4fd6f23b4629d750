"""Every fixed word the strategy document prints, per language.

Why here: the renderer is pure (no Flask-Babel), and a document must be complete in its
own language, so all its fixed text lives in one dict per language. Polish is the default;
English is the second language. Keep both dicts with the same keys (a test checks it).
"""

from __future__ import annotations

from collections.abc import Mapping

DEFAULT_LANGUAGE = "pl"

LABELS: Mapping[str, Mapping[str, str]] = {
    "pl": {
        "title": "Strategia rozwoju klastra",
        "toc": "Spis treści",
        "toc_placeholder": (
            "Spis treści zostanie utworzony po aktualizacji pól: kliknij tutaj prawym "
            "przyciskiem myszy i wybierz „Aktualizuj pole” (lub naciśnij F9)."
        ),
        "draft": "WERSJA ROBOCZA",
        "adopted": "PRZYJĘTA",
        "version": "Wersja",
        "page": "Strona",
        "page_of": "z",
        "sector": "Sektor",
        "date": "Data",
        "status": "Stan",
        "empty_section": "Ta sekcja nie została jeszcze wypełniona.",
        "strengths": "Mocne strony",
        "weaknesses": "Słabe strony",
        "opportunities": "Szanse",
        "threats": "Zagrożenia",
        "goal": "Cel strategiczny",
        "objective": "Cel operacyjny",
        "no": "Lp.",
        "action": "Działanie",
        "objective_col": "Cel operacyjny",
        "owner": "Odpowiedzialny",
        "start": "Początek",
        "end": "Koniec",
        "budget": "Budżet (PLN)",
        "funding_source": "Źródło finansowania",
        "kpi": "Wskaźnik",
        "baseline": "Wartość bazowa",
        "target": "Wartość docelowa",
        "indicator": "Wskaźnik",
        "unit": "Jednostka",
        "year": "Rok",
        "total": "Razem",
        "gantt_title": "Harmonogram działań",
        "annex": "Załącznik",
        "annex_members": "Członkowie klastra według rodzaju organizacji",
        "annex_meetings": "Spotkania i frekwencja",
        "members_chart_title": "Organizacje członkowskie według rodzaju",
        "organisation": "Organizacja",
        "organisation_kind": "Rodzaj organizacji",
        "city": "Miejscowość",
        "count": "Liczba",
        "meeting": "Spotkanie",
        "meeting_number": "Nr",
        "place": "Miejsce",
        "participants": "Uczestnicy",
        "organisations": "Organizacje",
        "time": "Godzina",
        "participants_count": "Liczba uczestników",
        "organisations_count": "Liczba organizacji",
        "signoffs": "Podpisy organizacji członkowskich",
        "person": "Osoba podpisująca",
        "signed_at": "Data podpisu",
        "signed_version": "Podpisana wersja",
        "figure": "Rysunek",
        "table": "Tabela",
        # The document history ("metryka") after the title page.
        "history": "Metryka dokumentu",
        "history_version": "Wersja",
        "history_date": "Data",
        "history_state": "Stan",
        "history_changed": "Zmienione sekcje",
        "history_approved": "Zatwierdzona przez",
        "history_draft": "wersja robocza",
        "history_final": "przyjęta",
        "history_first": "pierwsza wersja",
        "history_unchanged": "bez zmian treści",
        # Organisation kinds, used when the snapshot brings no labels of its own.
        "kind_enterprise": "Przedsiębiorstwa",
        "kind_business_support": "Instytucje otoczenia biznesu",
        "kind_science": "Jednostki naukowe",
        "kind_other": "Inne",
        # Meeting kinds.
        "meeting_conference": "Konferencja",
        "meeting_workshop": "Warsztat",
        # Stage states.
        "state_locked": "zablokowany",
        "state_drafting": "w przygotowaniu",
        "state_in_review": "w recenzji",
        "state_approved": "zatwierdzony",
        "state_needs_review": "do ponownego przeglądu",
        # Sectors.
        "sector_agri-food": "rolno-spożywczy",
        "sector_medical": "medyczny",
        "sector_creative": "kreatywny",
        "sector_chemical": "chemiczny",
        "sector_other": "inny",
    },
    "en": {
        "title": "Cluster development strategy",
        "toc": "Contents",
        "toc_placeholder": (
            "The table of contents appears once fields are updated: right-click here and "
            "choose “Update Field” (or press F9)."
        ),
        "draft": "DRAFT",
        "adopted": "ADOPTED",
        "version": "Version",
        "page": "Page",
        "page_of": "of",
        "sector": "Sector",
        "date": "Date",
        "status": "Status",
        "empty_section": "This section has not been written yet.",
        "strengths": "Strengths",
        "weaknesses": "Weaknesses",
        "opportunities": "Opportunities",
        "threats": "Threats",
        "goal": "Strategic goal",
        "objective": "Operational objective",
        "no": "No.",
        "action": "Action",
        "objective_col": "Objective",
        "owner": "Owner",
        "start": "Start",
        "end": "End",
        "budget": "Budget (PLN)",
        "funding_source": "Funding source",
        "kpi": "Indicator",
        "baseline": "Baseline",
        "target": "Target",
        "indicator": "Indicator",
        "unit": "Unit",
        "year": "Year",
        "total": "Total",
        "gantt_title": "Action plan timeline",
        "annex": "Annex",
        "annex_members": "Cluster members by kind of organisation",
        "annex_meetings": "Meetings and attendance",
        "members_chart_title": "Member organisations by kind",
        "organisation": "Organisation",
        "organisation_kind": "Kind of organisation",
        "city": "Town",
        "count": "Number",
        "meeting": "Meeting",
        "meeting_number": "No.",
        "place": "Place",
        "participants": "Participants",
        "organisations": "Organisations",
        "time": "Time",
        "participants_count": "Participants",
        "organisations_count": "Organisations",
        "signoffs": "Sign-offs by member organisations",
        "person": "Signed by",
        "signed_at": "Signed on",
        "signed_version": "Version signed",
        "figure": "Figure",
        "table": "Table",
        "history": "Document history",
        "history_version": "Version",
        "history_date": "Date",
        "history_state": "Status",
        "history_changed": "Sections changed",
        "history_approved": "Approved by",
        "history_draft": "draft",
        "history_final": "adopted",
        "history_first": "first version",
        "history_unchanged": "no change to the text",
        "kind_enterprise": "Enterprises",
        "kind_business_support": "Business-support institutions",
        "kind_science": "Science",
        "kind_other": "Other",
        "meeting_conference": "Conference",
        "meeting_workshop": "Workshop",
        "state_locked": "locked",
        "state_drafting": "drafting",
        "state_in_review": "in review",
        "state_approved": "approved",
        "state_needs_review": "needs review",
        "sector_agri-food": "agri-food",
        "sector_medical": "medical",
        "sector_creative": "creative",
        "sector_chemical": "chemical",
        "sector_other": "other",
    },
}

#: Word's language tag, babel's locale and the number/date conventions per language.
LOCALES: Mapping[str, Mapping[str, str]] = {
    "pl": {"lang": "pl-PL", "babel": "pl_PL", "date_separator": "."},
    "en": {"lang": "en-GB", "babel": "en_GB", "date_separator": "/"},
}


def language_of(value: object) -> str:
    """The document language: the snapshot's if we know it, Polish otherwise."""
    return value if isinstance(value, str) and value in LABELS else DEFAULT_LANGUAGE


def labels_for(language: str) -> Mapping[str, str]:
    """The labels of ``language`` (Polish for an unknown language)."""
    return LABELS[language_of(language)]
