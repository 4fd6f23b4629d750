"""Polish grammatical agreement: which form of a word goes with a noun or a person.

Polish adjectives and past-tense verbs agree with the noun they describe ("Diagnoza
zatwierdzona", "Działania zatwierdzone", "Zatwierdzenie zatwierdzone") and with the person
who acted ("przekazała", "przekazał"). The texts themselves live in the translations, one
per agreement class (a message context); this module only decides the class, from what a
workflow definition says about a title or what a person says about themselves. Nothing is
guessed: an unknown gender gives ``UNKNOWN``, for which the texts use a wording that needs
no agreement.
"""

from __future__ import annotations

#: The genders a definition may give a Polish title. ``masculine_personal`` is for nouns
#: naming men or mixed groups of people ("Członkowie"): only its plural differs.
GENDERS: tuple[str, ...] = ("masculine", "masculine_personal", "feminine", "neuter")
NUMBERS: tuple[str, ...] = ("singular", "plural")
#: The forms a person may choose to be addressed in (nullable on the account: not stated).
PERSON_FORMS: tuple[str, ...] = ("feminine", "masculine")

#: Agreement classes, used as message contexts: singular m/f/n, plural of men ("virile")
#: and every other plural.
MASCULINE = "masculine"
FEMININE = "feminine"
NEUTER = "neuter"
VIRILE_PLURAL = "virile plural"
PLURAL = "plural"
UNKNOWN = "unknown"
CLASSES: tuple[str, ...] = (MASCULINE, FEMININE, NEUTER, VIRILE_PLURAL, PLURAL, UNKNOWN)


def agreement(gender: str | None, number: str = "singular") -> str:
    """The agreement class of a noun of this gender and number; UNKNOWN without a gender."""
    if gender not in GENDERS:
        return UNKNOWN
    if number == "plural":
        return VIRILE_PLURAL if gender == "masculine_personal" else PLURAL
    return MASCULINE if gender == "masculine_personal" else gender


def person_agreement(form: str | None) -> str:
    """The agreement class for a person's past-tense verbs: their stated form, else UNKNOWN."""
    return form if form in PERSON_FORMS else UNKNOWN
