"""Synthetic person records for the demo: made up, and said to be made up wherever they show.

Unlike the rest of the demo data (``data.py``), which is true, these records describe no real
person and no real event: their names ("Persona Sintética ...") say so, as do their public
descriptions, their two sources ("Synthetic case list ... (made-up data)") and the organisation
behind those. They name no place but the country, so that no real facility is given a death
that did not happen. They exist to show the register at work beside the true figures on the
deaths-in-custody indicator: the documented count, a pair of records that are one person
(the linkage proposes it; a reviewer confirms it), and a pair of namesakes that are not.
"""

import datetime as dt

from tracker.demo.data import DEATHS, STATE_OF_EXCEPTION_BEGAN

D = dt.date

ORGANIZATION = {
    "slug": "synthetic-demo-monitor",
    "name": "Synthetic demo monitor (made-up data)",
    "name_es": "Monitor sintético de demostración (datos inventados)",
    "kind": "ngo",
    "description": "Made up for the demo: it does not exist.",
    "description_es": "Inventado para la demostración: no existe.",
}

SOURCES = {
    "A": {
        "title": "Synthetic case list A (made-up data, no real people)",
        "url": "https://example.org/synthetic/demo-case-list-a",
        "kind": "report",
        "language": "es",
    },
    "B": {
        "title": "Synthetic case list B (made-up data, no real people)",
        "url": "https://example.org/synthetic/demo-case-list-b",
        "kind": "report",
        "language": "es",
    },
}

DESCRIPTION = "Synthetic record for the demo: no real person."
DESCRIPTION_ES = "Registro sintético de demostración: ninguna persona real."

# The register's query of the deaths-in-custody indicator (the one the demo's true figures
# are about): people who died in custody in El Salvador since the state of exception began.
INDICATOR = DEATHS
REGISTER_QUERY = {
    "register_situation": "died_in_custody",
    "register_country": "SV",
    "register_died_from": STATE_OF_EXCEPTION_BEGAN,
}

# (source, case number, name, privacy, sex, age, date of death, published)
PEOPLE = [
    ("A", "DEMO-A-001", "Persona Sintética Alfa", "named", "male", 34, D(2022, 5, 10), True),
    ("A", "DEMO-A-002", "Persona Sintética Beta", "anonymous", "male", 51, D(2022, 9, 3), True),
    ("A", "DEMO-A-003", "Persona Sintética Gamma", "counted", "female", 29, D(2023, 1, 20), True),
    # One person reported by both lists, the accent lost in the second: the linkage proposes
    # the pair, and a reviewer confirms it.
    ("A", "DEMO-A-004", "Persona Sintética Delta", "anonymous", "male", 45, D(2023, 6, 11), True),
    ("B", "DEMO-B-001", "Persona Sintetica Delta", "anonymous", "male", 45, D(2023, 6, 12), True),
    # Two namesakes a few days apart, 44 years apart in age: proposed, and rightly rejected.
    ("A", "DEMO-A-005", "Persona Sintética Rho Flores", "named", "male", 23, D(2023, 11, 2), True),
    ("B", "DEMO-B-002", "Persona Sintética Rho Flórez", "named", "male", 67, D(2023, 11, 5), True),
    # No date of death in the sources: outside the documented count, and said so.
    ("B", "DEMO-B-003", "Persona Sintética Épsilon", "anonymous", "female", 38, None, True),
    # Still a draft: not counted until a reviewer publishes it.
    ("B", "DEMO-B-004", "Persona Sintética Zeta", "anonymous", "male", 60, D(2024, 2, 1), False),
]
