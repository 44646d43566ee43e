"""Made-up person records with known duplicates, for the linkage's tests and benchmark.

Each made-up person is reported by one to three of three synthetic sources; each source writes
the person its own way: a typo, accents lost, surnames swapped, a date of death a few days off,
a missing date. ``cluster`` is the person: records with the same cluster are one person. No
name here is a real person's: given names and surnames are drawn at random from common ones.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass

GIVEN = [
    "José",
    "María",
    "Juan",
    "Carlos",
    "Luis",
    "Ana",
    "Rosa",
    "Jorge",
    "Miguel",
    "Pedro",
    "Francisco",
    "Manuel",
    "Carmen",
    "Marta",
    "Sofía",
    "Lucía",
    "Andrés",
    "Ramón",
    "Óscar",
    "Raúl",
    "Julio",
    "César",
    "Mario",
    "Héctor",
    "René",
    "Mauricio",
    "Nelson",
    "Wilfredo",
    "Roberto",
    "Ernesto",
    "Salvador",
    "Santos",
    "Elena",
    "Beatriz",
    "Teresa",
    "Gloria",
    "Silvia",
    "Sandra",
    "Patricia",
    "Ricardo",
    "Alejandro",
    "Fernando",
    "Javier",
    "Rafael",
    "Ángel",
    "Tomás",
    "Víctor",
    "Hugo",
    "Alfredo",
    "Gerardo",
    "Rigoberto",
    "Walter",
    "Edwin",
    "Kevin",
    "Brayan",
    "Josué",
    "Noé",
    "Abel",
    "Efraín",
    "Rubén",
    "Isaac",
    "Moisés",
    "Elías",
    "Inés",
    "Dolores",
    "Concepción",
    "Marisol",
    "Yesenia",
    "Karla",
    "Jenny",
    "Iris",
    "Reina",
    "Estela",
    "Norma",
    "Blanca",
    "Lidia",
    "Vilma",
    "Zoila",
    "Delmy",
    "Xiomara",
]
SURNAMES = [
    "Hernández",
    "García",
    "Martínez",
    "López",
    "González",
    "Pérez",
    "Rodríguez",
    "Sánchez",
    "Ramírez",
    "Cruz",
    "Flores",
    "Rivera",
    "Gómez",
    "Díaz",
    "Reyes",
    "Morales",
    "Jiménez",
    "Torres",
    "Romero",
    "Vásquez",
    "Castillo",
    "Ortiz",
    "Gutiérrez",
    "Chávez",
    "Ramos",
    "Mejía",
    "Alvarado",
    "Aguilar",
    "Menjívar",
    "Quintanilla",
    "Guardado",
    "Portillo",
    "Argueta",
    "Ayala",
    "Bonilla",
    "Campos",
    "Escobar",
    "Fuentes",
    "Henríquez",
    "Interiano",
    "Juárez",
    "Landaverde",
    "Molina",
    "Núñez",
    "Orellana",
    "Palacios",
    "Quijano",
    "Rosales",
    "Serrano",
    "Tobar",
    "Umaña",
    "Valle",
    "Zelaya",
    "Zepeda",
    "Cáceres",
    "Barrera",
    "Coreas",
    "Deras",
    "Elías",
    "Figueroa",
    "Granados",
    "Hurtado",
    "Iraheta",
    "Lemus",
    "Marroquín",
    "Navarrete",
    "Osorio",
    "Peña",
    "Rivas",
    "Saravia",
    "Trejo",
    "Urquilla",
    "Villalta",
    "Amaya",
    "Beltrán",
    "Cortez",
    "Duarte",
    "Estrada",
    "Franco",
]
SOURCES = ("A", "B", "C")
FIRST_DAY = dt.date(2022, 3, 27)
DAYS = 1000


@dataclass
class SyntheticRecord:
    cluster: int
    source: str
    name: str
    died_on: dt.date | None
    place: int  # an index into the caller's places
    sex: str
    age: int


def fold(text: str) -> str:
    """The text without its accents (a source that typed without them)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def typo(rng: random.Random, name: str) -> str:
    """One slip of the keyboard: a letter dropped, doubled, swapped with the next or replaced."""
    positions = [i for i, ch in enumerate(name) if ch.isalpha()]
    i = rng.choice(positions[1:] or positions)
    kind = rng.randrange(4)
    if kind == 0:
        return name[:i] + name[i + 1 :]
    if kind == 1:
        return name[:i] + name[i] + name[i:]
    if kind == 2 and i + 1 < len(name) and name[i + 1].isalpha():
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name[:i] + rng.choice("aeioulnrst") + name[i + 1 :]


def variant(rng: random.Random, given: list[str], surnames: list[str]) -> str:
    """How one source writes the person's name."""
    given, surnames = list(given), list(surnames)
    if len(surnames) == 2 and rng.random() < 0.25:
        surnames.reverse()
    if len(given) == 2 and rng.random() < 0.15:
        given = given[:1]
    name = " ".join(given + surnames)
    if rng.random() < 0.35:
        name = fold(name)
    if rng.random() < 0.3:
        name = typo(rng, name)
    return name


def generate(total: int, *, places: int, seed: int = 1) -> list[SyntheticRecord]:
    """``total`` records (about 1.6 per person), in shuffled order."""
    rng = random.Random(seed)
    records: list[SyntheticRecord] = []
    cluster = 0
    while len(records) < total:
        cluster += 1
        given = rng.sample(GIVEN, 2 if rng.random() < 0.6 else 1)
        surnames = rng.sample(SURNAMES, 2 if rng.random() < 0.9 else 1)
        died_on = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
        place, sex, age = rng.randrange(places), rng.choice("mf"), rng.randrange(18, 80)
        count = min(rng.choice((1, 1, 2, 2, 3)), total - len(records))
        for source in rng.sample(SOURCES, count):
            day = died_on + dt.timedelta(days=rng.randint(-4, 4)) if records else died_on
            if rng.random() < 0.05:
                day = None
            records.append(
                SyntheticRecord(
                    cluster=cluster,
                    source=source,
                    name=variant(rng, given, surnames),
                    died_on=day,
                    place=place if rng.random() < 0.95 else rng.randrange(places),
                    sex=sex,
                    age=age,
                )
            )
    rng.shuffle(records)
    return records
