"""Invented Polish people for the demo: one representative per organisation."""

from __future__ import annotations

import unicodedata

FIRST_NAMES_F = [
    "Anna",
    "Katarzyna",
    "Małgorzata",
    "Agnieszka",
    "Barbara",
    "Ewa",
    "Magdalena",
    "Joanna",
    "Aleksandra",
    "Monika",
    "Zofia",
    "Dorota",
    "Beata",
    "Marta",
    "Elżbieta",
    "Iwona",
    "Justyna",
    "Grażyna",
    "Paulina",
    "Renata",
    "Halina",
    "Jolanta",
    "Urszula",
    "Teresa",
    "Irena",
]
FIRST_NAMES_M = [
    "Piotr",
    "Krzysztof",
    "Andrzej",
    "Tomasz",
    "Paweł",
    "Michał",
    "Marcin",
    "Jakub",
    "Grzegorz",
    "Łukasz",
    "Adam",
    "Marek",
    "Wojciech",
    "Rafał",
    "Jerzy",
    "Mariusz",
    "Dariusz",
    "Zbigniew",
    "Ryszard",
    "Kamil",
    "Sławomir",
    "Jacek",
    "Bartosz",
    "Józef",
    "Maciej",
]
SURNAMES = [
    ("Kowalska", "Kowalski"),
    ("Nowak", "Nowak"),
    ("Wiśniewska", "Wiśniewski"),
    ("Wójcik", "Wójcik"),
    ("Kamińska", "Kamiński"),
    ("Lewandowska", "Lewandowski"),
    ("Zielińska", "Zieliński"),
    ("Szymańska", "Szymański"),
    ("Woźniak", "Woźniak"),
    ("Dąbrowska", "Dąbrowski"),
    ("Kozłowska", "Kozłowski"),
    ("Jankowska", "Jankowski"),
    ("Mazur", "Mazur"),
    ("Kwiatkowska", "Kwiatkowski"),
    ("Krawczyk", "Krawczyk"),
    ("Piotrowska", "Piotrowski"),
    ("Grabowska", "Grabowski"),
    ("Nowakowska", "Nowakowski"),
    ("Pawłowska", "Pawłowski"),
    ("Michalska", "Michalski"),
    ("Król", "Król"),
    ("Wieczorek", "Wieczorek"),
    ("Jabłońska", "Jabłoński"),
    ("Wróbel", "Wróbel"),
    ("Majewska", "Majewski"),
    ("Olszewska", "Olszewski"),
    ("Stępień", "Stępień"),
    ("Jaworska", "Jaworski"),
    ("Malinowska", "Malinowski"),
    ("Adamczyk", "Adamczyk"),
]


def ascii_slug(text: str) -> str:
    """'Łukasz Wiśniewski' -> 'lukasz.wisniewski' for e-mail addresses."""
    text = text.replace("ł", "l").replace("Ł", "L")
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return ".".join(part.lower() for part in plain.split())


def person_name(index: int) -> str:
    """A deterministic, varied name for the index-th demo person."""
    female = index % 2 == 0
    first = (FIRST_NAMES_F if female else FIRST_NAMES_M)[(index * 7) % 25]
    surname = SURNAMES[(index * 11) % len(SURNAMES)][0 if female else 1]
    return f"{first} {surname}"
