"""The demo's organisations and clusters: invented names, the source document's counts.

The MSODI deck names five clusters and counts 44 organisations (27 enterprises, 8
business-support institutions, 9 science) in 55 memberships; it names no organisation,
so every organisation and person here is invented.
"""

from __future__ import annotations

CLUSTERS: list[dict] = [
    {
        "slug": "makros",
        "name": "Mazowiecki klaster rolno-spożywczy MAKROS",
        "sector": "agri-food",
        "goal": "Wzmocnienie współpracy producentów żywności, przetwórców i nauki "
        "w branży rolno-spożywczej Mazowsza.",
        "conference_participants": 48,
    },
    {
        "slug": "e-medycyna",
        "name": "Mazowiecki Klaster e-Medycyny",
        "sector": "medical",
        "goal": "Rozwój usług e-zdrowia i telemedycyny we współpracy firm, szpitali i uczelni regionu.",
        "conference_participants": 41,
    },
    {
        "slug": "mak",
        "name": "MAK – Mazowiecki Aktywizator Kulturalny",
        "sector": "creative",
        "goal": "Budowa marki regionu jako centrum kulturalnego kraju.",
        "conference_participants": 39,
    },
    {
        "slug": "krea",
        "name": "Mazowiecki Klaster Kreatywny – KREA",
        "sector": "creative",
        "goal": "Wzrost znaczenia usług B2B sektora kreatywnego w regionie.",
        "conference_participants": 44,
    },
    {
        "slug": "klaster-chemiczny",
        "name": "Mazowiecki Klaster Chemiczny",
        "sector": "chemical",
        "goal": "Wspólne projekty badawczo-rozwojowe i inwestycje przedsiębiorstw chemicznych Mazowsza.",
        "conference_participants": 42,
    },
]

# (name, kind, city, clusters it belongs to). 27 + 8 + 9 = 44 organisations; 11 of
# them belong to two clusters, which makes the deck's 55 memberships (11 per cluster).
ORGANISATIONS: list[tuple[str, str, str, tuple[str, ...]]] = [
    # enterprises: 27
    ("Sady Grójeckie Sp. z o.o.", "enterprise", "Grójec", ("makros",)),
    ("Mleczarnia Nadbużańska S.A.", "enterprise", "Ostrów Mazowiecka", ("makros",)),
    ("Zakłady Mięsne Mazur-Pol Sp. z o.o.", "enterprise", "Mława", ("makros",)),
    ("Piekarnia Kłos Sp. j.", "enterprise", "Siedlce", ("makros",)),
    ("AgroLogistyka Radom Sp. z o.o.", "enterprise", "Radom", ("makros",)),
    ("BioNawozy Płock Sp. z o.o.", "enterprise", "Płock", ("makros", "klaster-chemiczny")),
    ("TeleMed Serwis Sp. z o.o.", "enterprise", "Warszawa", ("e-medycyna",)),
    ("Medivision Sp. z o.o.", "enterprise", "Warszawa", ("e-medycyna",)),
    ("Centrum Diagnostyki Obrazowej Vita Sp. z o.o.", "enterprise", "Siedlce", ("e-medycyna",)),
    ("Apteka Cyfrowa S.A.", "enterprise", "Pruszków", ("e-medycyna",)),
    ("Sensomed Sp. z o.o.", "enterprise", "Piaseczno", ("e-medycyna",)),
    ("Teatr Objazdowy Wędrowiec Sp. z o.o.", "enterprise", "Ciechanów", ("mak",)),
    ("Festiwale Mazowsza Sp. z o.o.", "enterprise", "Warszawa", ("mak",)),
    ("Wydawnictwo Wiślane Sp. z o.o.", "enterprise", "Płock", ("mak",)),
    ("Galeria Sztuki Nowej Forma Sp. j.", "enterprise", "Radom", ("mak",)),
    ("Studio Nagrań Dźwiękownia Sp. z o.o.", "enterprise", "Warszawa", ("mak",)),
    ("Pracownia Projektowa Kreska Sp. z o.o.", "enterprise", "Warszawa", ("krea", "mak")),
    ("Agencja Interaktywna Piksel S.A.", "enterprise", "Warszawa", ("krea", "e-medycyna")),
    ("GameForge Mazovia Sp. z o.o.", "enterprise", "Warszawa", ("krea",)),
    ("Drukarnia Offsetowa Arkusz Sp. z o.o.", "enterprise", "Otwock", ("krea",)),
    ("Fotografia Reklamowa Kadr Sp. j.", "enterprise", "Legionowo", ("krea",)),
    ("Zakłady Chemiczne Wisła-Chem S.A.", "enterprise", "Płock", ("klaster-chemiczny",)),
    ("Polimery Mazowsze Sp. z o.o.", "enterprise", "Ostrołęka", ("klaster-chemiczny",)),
    ("Farby i Lakiery Kolor-Tech Sp. z o.o.", "enterprise", "Radom", ("klaster-chemiczny",)),
    ("Laboratorium Analiz ChemLab Sp. z o.o.", "enterprise", "Pionki", ("klaster-chemiczny",)),
    ("Kosmetyki Naturalne Lawenda Sp. z o.o.", "enterprise", "Sochaczew", ("klaster-chemiczny",)),
    ("EkoOpakowania Sp. z o.o.", "enterprise", "Żyrardów", ("klaster-chemiczny", "makros")),
    # business-support institutions: 8
    (
        "Fundacja Rozwoju Przedsiębiorczości Wiejskiej",
        "business_support",
        "Siedlce",
        ("makros", "mak"),
    ),
    ("Izba Gospodarcza Żywności Mazowsza", "business_support", "Warszawa", ("makros",)),
    ("Centrum Transferu Technologii Medycznych", "business_support", "Warszawa", ("e-medycyna",)),
    (
        "Stowarzyszenie Innowacji w Ochronie Zdrowia",
        "business_support",
        "Warszawa",
        ("e-medycyna",),
    ),
    ("Mazowiecki Ośrodek Kultury i Przedsiębiorczości", "business_support", "Warszawa", ("mak",)),
    ("Inkubator Przemysłów Kreatywnych", "business_support", "Warszawa", ("krea",)),
    (
        "Płocki Park Przemysłowo-Technologiczny",
        "business_support",
        "Płock",
        ("klaster-chemiczny", "krea"),
    ),
    ("Radomska Izba Przemysłu Chemicznego", "business_support", "Radom", ("klaster-chemiczny",)),
    # science: 9
    ("Instytut Technologii Żywności w Siedlcach", "science", "Siedlce", ("makros", "e-medycyna")),
    ("Wyższa Szkoła Agrobiznesu w Łomiankach", "science", "Łomianki", ("makros",)),
    ("Instytut Informatyki Medycznej", "science", "Warszawa", ("e-medycyna", "krea")),
    ("Mazowiecka Akademia Nauk o Zdrowiu", "science", "Warszawa", ("e-medycyna",)),
    ("Akademia Sztuk Wizualnych w Radomiu", "science", "Radom", ("mak", "krea")),
    ("Instytut Kultury Regionalnej", "science", "Warszawa", ("mak",)),
    ("Wyższa Szkoła Mediów Cyfrowych", "science", "Warszawa", ("krea", "mak")),
    ("Instytut Syntezy Chemicznej w Płocku", "science", "Płock", ("klaster-chemiczny",)),
    (
        "Politechnika Mazowiecka – Wydział Chemii",
        "science",
        "Radom",
        ("klaster-chemiczny", "makros"),
    ),
]

#: The agency that runs the platform; its experts observe the clusters. Not a cluster member.
AGENCY = ("Mazowiecka Agencja Innowacji", "other", "Warszawa")
