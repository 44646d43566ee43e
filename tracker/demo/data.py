"""The demo data: true entries, each from a public report, with the address where it was read.

Dates keep the precision their source gives. Nothing here is invented or rounded; a field the
sources do not give is left empty.

Every public text is given in English and in Spanish (the ``_es`` keys). The translation says
what the original says, no more: figures, dates, names and qualifiers are the same in both.
``original_language`` is the language an entry was written in: Spanish for the entries that
rest on Spanish-language sources (EFE, El País, SJH's statement to EFE), English otherwise.
"""

import datetime as dt
from decimal import Decimal

D = dt.date
SEED_ARTICLE_FILE = "seed-article.txt"
STATE_OF_EXCEPTION_BEGAN = D(2022, 3, 27)

CATEGORIES = [
    ("death-in-custody", "Death in custody", "Muerte bajo custodia"),
    ("torture-or-ill-treatment", "Torture or ill-treatment", "Tortura o malos tratos"),
    ("arbitrary-detention", "Arbitrary detention", "Detención arbitraria"),
    ("denial-of-due-process", "Denial of due process", "Denegación del debido proceso"),
    ("inhumane-conditions", "Inhumane conditions", "Condiciones inhumanas"),
    ("incommunicado-detention", "Incommunicado detention", "Detención incomunicada"),
    (
        "forced-transfer-or-deportation",
        "Forced transfer or deportation",
        "Traslado forzoso o deportación",
    ),
]

ORGANIZATIONS = [
    {
        "slug": "socorro-juridico-humanitario",
        "name": "Socorro Jurídico Humanitario",
        "acronym": "SJH",
        "kind": "ngo",
        "country": "SV",
        "description": "Salvadoran human-rights organisation; its director is Ingrid Escobar.",
        "description_es": (
            "Organización salvadoreña de derechos humanos; su directora es Ingrid Escobar."
        ),
    },
    {
        "slug": "cristosal",
        "name": "Cristosal",
        "acronym": "",
        "kind": "ngo",
        "country": "SV",
        "description": "Salvadoran human-rights organisation.",
        "description_es": "Organización salvadoreña de derechos humanos.",
    },
    {
        "slug": "presidency-of-el-salvador",
        "name": "Presidency of El Salvador",
        "name_es": "Presidencia de El Salvador",
        "acronym": "",
        "kind": "government",
        "country": "SV",
        "description": "The office of the President of El Salvador.",
        "description_es": "La oficina del presidente de El Salvador.",
    },
    {
        "slug": "presidential-commissioner-for-human-rights-el-salvador",
        "name": "Presidential Commissioner for Human Rights of El Salvador",
        "name_es": "Comisionado Presidencial para los Derechos Humanos de El Salvador",
        "acronym": "",
        "kind": "government",
        "country": "SV",
        "description": "Government office of El Salvador.",
        "description_es": "Oficina del Gobierno de El Salvador.",
    },
    {
        "slug": "efe",
        "name": "EFE",
        "acronym": "",
        "kind": "news_agency",
        "country": "",
        "description": "News agency.",
        "description_es": "Agencia de noticias.",
    },
    {
        "slug": "el-pais",
        "name": "El País",
        "acronym": "",
        "kind": "media",
        "country": "",
        "description": "Newspaper.",
        "description_es": "Periódico.",
    },
    {
        "slug": "unnamed-english-language-news-outlet",
        "name": "Unnamed English-language news outlet",
        "name_es": "Medio de noticias en inglés sin nombre",
        "acronym": "",
        "kind": "media",
        "country": "",
        "description": (
            "Publisher of the English-language news article of around 30 January 2026 on the "
            "visit of Chile's president-elect to CECOT. Its name is not on file."
        ),
        "description_es": (
            "Editor del artículo de prensa en inglés de hacia el 30 de enero de 2026 sobre la "
            "visita del presidente electo de Chile al CECOT. Su nombre no consta en el archivo."
        ),
    },
]

# Sources are found again by their key (a stable, private handle used only by this loader).
SOURCES = {
    "cristosal-report": {
        "title": (
            "Silence Is Not an Option: Investigation into Torture Practices, Death, and Failed "
            "Justice under State of Exception"
        ),
        "kind": "report",
        "organization": "cristosal",
        "url": "https://www.elsalvadornow.org/2024/07/24/who-is-lying-quien-miente/",
        "published_on": D(2024, 7, 1),
        "published_precision": "month",
        "language": "en",
        "summary": (
            "Cristosal's report of July 2024, read at the address given, which also quotes "
            "the government's denials."
        ),
    },
    "sjh-efe-statement": {
        "title": "Statement of SJH director Ingrid Escobar to EFE on deaths in state custody",
        "kind": "statement",
        "organization": "socorro-juridico-humanitario",
        "author": "Ingrid Escobar",
        "url": (
            "https://www.momarandu.com/notix/noticia/"
            "49052_denuncian--300-muertes-bajo-custodia-estatal-en-el-salvador.htm"
        ),
        "published_on": D(2024, 6, 10),
        "published_precision": "day",
        "language": "es",
        "summary": (
            "At least 301 deaths in state custody in 26 months of the state of exception. SJH "
            "says it received over 500 reports it could not all confirm; only one of the deaths "
            "was in CECOT."
        ),
    },
    "sjh-icc-report": {
        "title": (
            "Report on deaths during El Salvador's state of exception, to be submitted to the "
            "International Criminal Court"
        ),
        "kind": "report",
        "organization": "socorro-juridico-humanitario",
        "url": (
            "https://www.elsalvadornow.org/2025/08/12/report-on-deaths-during-el-salvadors-"
            "state-of-exception-reaches-icc-un-informe-sobre-las-muertes-durante-el-regimen-"
            "de-excepcion-en-el-salvador-llega-a-la-cpi"
        ),
        "published_on": D(2025, 8, 1),
        "published_precision": "month",
        "language": "en",
        "summary": (
            "SJH's report with the names of more than 430 detainees who died, to be submitted "
            "to the International Criminal Court (as reported by EFE)."
        ),
    },
    "commissioner-statement": {
        "title": (
            "Statement of the Presidential Commissioner for Human Rights denying torture in "
            "Salvadoran prisons"
        ),
        "kind": "statement",
        "organization": "presidential-commissioner-for-human-rights-el-salvador",
        "url": "https://www.elsalvadornow.org/2024/07/24/who-is-lying-quien-miente/",
        "language": "en",
        "summary": "Government statement quoted in the article at the address given.",
    },
    "seed-article": {
        "title": (
            "Chile's President-Elect Tours Controversial El Salvador Mega-Prison Ahead Of "
            "Security Talks With Bukele"
        ),
        "kind": "news_article",
        "organization": "unnamed-english-language-news-outlet",
        "published_on": D(2026, 1, 1),
        "published_precision": "month",
        "language": "en",
        "summary": (
            "News article published around 30 January 2026, the day Chile's president-elect "
            "José Antonio Kast toured CECOT. The full text is on file."
        ),
        "file": SEED_ARTICLE_FILE,
    },
    "efe-infobae": {
        "title": (
            "Kast visita El Salvador para conocer la cárcel de máxima seguridad y reunirse "
            "con Bukele"
        ),
        "kind": "news_article",
        "organization": "efe",
        "url": (
            "https://www.infobae.com/america/agencias/2026/01/30/kast-visita-el-salvador-para-"
            "conocer-la-carcel-de-maxima-seguridad-y-reunirse-con-bukele/"
        ),
        "published_on": D(2026, 1, 30),
        "published_precision": "day",
        "language": "es",
        "summary": "EFE dispatch, as published by infobae.",
    },
    "el-pais-kast": {
        "title": (
            "Kast, antes de la reunión con Bukele en El Salvador: “Ellos han sido exitosos en "
            "el combate al crimen organizado”"
        ),
        "kind": "news_article",
        "organization": "el-pais",
        "url": (
            "https://elpais.com/chile/2026-01-30/kast-antes-de-la-reunion-con-bukele-en-el-"
            "salvador-ellos-han-sido-exitosos-en-el-combate-al-crimen-organizado.html"
        ),
        "published_on": D(2026, 1, 30),
        "published_precision": "day",
        "language": "es",
    },
}

# Coordinates are public ones rounded to three decimals (about 100 m): CECOT's and La
# Esperanza's from their Wikipedia articles, the towns' from GeoNames and Wikipedia. A place
# without its own (El Salvador, Izalco prison) is shown where the place it lies within is, else
# at its country's centre. Places that no published entry uses are never shown publicly.
LOCATIONS = [
    {
        "slug": "el-salvador",
        "name": "El Salvador",
        "kind": "country",
        "country": "SV",
        "parent": None,
        "description": "",
    },
    {
        "slug": "tecoluca",
        "name": "Tecoluca",
        "kind": "city",
        "country": "SV",
        "parent": "el-salvador",
        "description": "",
        "latitude": Decimal("13.533"),
        "longitude": Decimal("-88.783"),
    },
    {
        "slug": "cecot",
        "name": "CECOT (Centro de Confinamiento del Terrorismo)",
        "kind": "facility",
        "country": "SV",
        "parent": "tecoluca",
        "opened_year": 2023,
        "description": (
            "Terrorism Confinement Center: a maximum-security prison opened in 2023, about 74 km "
            "south-east of San Salvador."
        ),
        "description_es": (
            "Centro de Confinamiento del Terrorismo: una cárcel de máxima seguridad inaugurada en "
            "2023, a unos 74 km al sureste de San Salvador."
        ),
        "latitude": Decimal("13.534"),
        "longitude": Decimal("-88.805"),
    },
    {
        "slug": "san-salvador",
        "name": "San Salvador",
        "kind": "city",
        "country": "SV",
        "parent": "el-salvador",
        "description": "",
        "latitude": Decimal("13.689"),
        "longitude": Decimal("-89.187"),
    },
    {
        "slug": "soyapango",
        "name": "Soyapango",
        "kind": "city",
        "country": "SV",
        "parent": "el-salvador",
        "description": "",
        "latitude": Decimal("13.710"),
        "longitude": Decimal("-89.140"),
    },
    {
        "slug": "la-esperanza-mariona",
        "name": "La Esperanza prison (Mariona)",
        "kind": "facility",
        "country": "SV",
        "parent": "el-salvador",
        "opened_year": 1972,
        "description": (
            "Centro Penal La Esperanza, known as Mariona, on the northern outskirts of San "
            "Salvador (canton San Luis Mariona, Cuscatancingo)."
        ),
        "latitude": Decimal("13.757"),
        "longitude": Decimal("-89.190"),
    },
    {
        "slug": "izalco",
        "name": "Izalco",
        "kind": "city",
        "country": "SV",
        "parent": "el-salvador",
        "description": "",
        "latitude": Decimal("13.745"),
        "longitude": Decimal("-89.673"),
    },
    {
        "slug": "izalco-prison",
        "name": "Izalco prison (Complejo Penitenciario de Izalco)",
        "kind": "facility",
        "country": "SV",
        "parent": "izalco",
        "description": "",
    },
]

INDICATORS = [
    {
        "slug": "deaths-in-state-custody-el-salvador-state-of-exception",
        "name": "Deaths in state custody during El Salvador's state of exception",
        "name_es": "Muertes bajo custodia estatal durante el régimen de excepción en El Salvador",
        "unit": "people",
        "unit_es": "personas",
        "category": "death-in-custody",
        "description": "The state of exception began on 27 March 2022.",
        "description_es": "El régimen de excepción comenzó el 27 de marzo de 2022.",
        "featured": True,
    },
    {
        "slug": "prison-capacity",
        "name": "Prison capacity",
        "name_es": "Capacidad de la prisión",
        "unit": "inmates",
        "unit_es": "reclusos",
        "category": None,
        "description": "",
    },
    {
        "slug": "prison-cellblocks",
        "name": "Cellblocks in the prison",
        "name_es": "Pabellones de la prisión",
        "unit": "cellblocks",
        "unit_es": "pabellones",
        "category": None,
        "description": "",
    },
    {
        "slug": "prisoners-per-cell",
        "name": "Prisoners per cell",
        "name_es": "Reclusos por celda",
        "unit": "prisoners",
        "unit_es": "reclusos",
        "category": "inhumane-conditions",
        "description": "",
    },
]

DEATHS = "deaths-in-state-custody-el-salvador-state-of-exception"

# Every figure is loaded as published and unverified: the sources report it, reviewers have not
# assessed it against primary evidence.
STATISTICS = [
    {
        "indicator": DEATHS,
        "organization": "cristosal",
        "source": "cristosal-report",
        "qualifier": "exact",
        "value": Decimal("261"),
        "as_of": D(2024, 4, 1),
        "as_of_precision": "month",
        "period_start": D(2022, 3, 1),
        "period_start_precision": "month",
        "country": "SV",
        "location": "el-salvador",
        "note": "adults, plus 4 newborns",
        "note_es": "adultos, más 4 recién nacidos",
    },
    {
        "indicator": DEATHS,
        "organization": "socorro-juridico-humanitario",
        "source": "sjh-efe-statement",
        "qualifier": "at_least",
        "value": Decimal("301"),
        "as_of": D(2024, 6, 10),
        "as_of_precision": "day",
        "period_start": STATE_OF_EXCEPTION_BEGAN,
        "period_start_precision": "day",
        "country": "SV",
        "location": "el-salvador",
        "original_language": "es",
        "note": (
            "in 26 months; SJH received over 500 reports it could not all confirm; only one of "
            "the deaths was in CECOT"
        ),
        "note_es": (
            "en 26 meses; SJH recibió más de 500 denuncias que no pudo confirmar en su totalidad; "
            "solo una de las muertes fue en el CECOT"
        ),
    },
    {
        "indicator": DEATHS,
        "organization": "socorro-juridico-humanitario",
        "source": "sjh-icc-report",
        "qualifier": "more_than",
        "value": Decimal("430"),
        "as_of": D(2025, 8, 1),
        "as_of_precision": "month",
        "period_start": STATE_OF_EXCEPTION_BEGAN,
        "period_start_precision": "day",
        "country": "SV",
        "location": "el-salvador",
        "note": "names of the detainees who died, in a report for the International Criminal Court",
        "note_es": (
            "nombres de los detenidos que murieron, en un informe para la Corte Penal Internacional"
        ),
    },
    {
        "indicator": DEATHS,
        "organization": "socorro-juridico-humanitario",
        "source": "seed-article",
        "qualifier": "at_least",
        "value": Decimal("480"),
        "as_of": D(2026, 1, 1),
        "as_of_precision": "month",
        "period_start": STATE_OF_EXCEPTION_BEGAN,
        "period_start_precision": "day",
        "country": "SV",
        "location": "el-salvador",
        "note": "reported in the week before 30 January 2026",
        "note_es": "informado en la semana anterior al 30 de enero de 2026",
        "quote": (
            "Human rights groups say at least 480 people have died in detention since a state "
            "of emergency began in early 2022."
        ),
    },
    {
        "indicator": "prison-capacity",
        "organization": "unnamed-english-language-news-outlet",
        "source": "seed-article",
        "qualifier": "at_most",
        "value": Decimal("40000"),
        "as_of": D(2026, 1, 1),
        "as_of_precision": "month",
        "country": "SV",
        "location": "cecot",
        "quote": (
            "CECOT is reported to have capacity for up to 40,000 inmates and is organized into "
            "eight large cellblocks."
        ),
    },
    {
        "indicator": "prison-capacity",
        "organization": "efe",
        "source": "efe-infobae",
        "original_language": "es",
        "qualifier": "at_most",
        "value": Decimal("40000"),
        "as_of": D(2026, 1, 30),
        "as_of_precision": "day",
        "country": "SV",
        "location": "cecot",
    },
    {
        "indicator": "prison-cellblocks",
        "organization": "unnamed-english-language-news-outlet",
        "source": "seed-article",
        "qualifier": "exact",
        "value": Decimal("8"),
        "as_of": D(2026, 1, 1),
        "as_of_precision": "month",
        "country": "SV",
        "location": "cecot",
        "quote": (
            "The facility, which can hold up to 40,000 inmates across eight cellblocks, has been "
            "criticized for harsh conditions, reports of torture and limited due process."
        ),
    },
    {
        "indicator": "prison-cellblocks",
        "organization": "efe",
        "source": "efe-infobae",
        "original_language": "es",
        "qualifier": "exact",
        "value": Decimal("8"),
        "as_of": D(2026, 1, 30),
        "as_of_precision": "day",
        "country": "SV",
        "location": "cecot",
    },
    {
        "indicator": "prisoners-per-cell",
        "organization": "unnamed-english-language-news-outlet",
        "source": "seed-article",
        "qualifier": "range",
        "value": Decimal("65"),
        "value_high": Decimal("70"),
        "as_of": D(2026, 1, 1),
        "as_of_precision": "month",
        "country": "SV",
        "location": "cecot",
        "note": "as reports indicate",
        "note_es": "según indican los informes",
        "quote": "Reports indicate each cell can hold roughly 65–70 prisoners",
    },
]

CLAIMS = [
    {
        "slug": "deaths-in-state-custody-during-the-state-of-exception",
        "title": (
            "Detainees died in state custody during the state of exception, many with signs of "
            "violence"
        ),
        "title_es": (
            "Personas detenidas murieron bajo custodia del Estado durante el régimen de "
            "excepción, muchas con señales de violencia"
        ),
        "summary": (
            "Detainees have died in state custody in El Salvador since the state of exception "
            "began on 27 March 2022, many with signs of violence. Socorro Jurídico Humanitario "
            "and Cristosal count them independently; their figures differ and grow over time."
        ),
        "summary_es": (
            "Personas detenidas han muerto bajo custodia del Estado en El Salvador desde que "
            "comenzó el régimen de excepción, el 27 de marzo de 2022, muchas con señales de "
            "violencia. Socorro Jurídico Humanitario y Cristosal cuentan estas muertes de forma "
            "independiente; sus cifras difieren y aumentan con el tiempo."
        ),
        "categories": ["death-in-custody"],
        "country": "SV",
        "location": "el-salvador",
        "place_details": (
            "prisons of Izalco, La Esperanza, Apanteos, Zacatecoluca and Quezaltepeque, and "
            "police cells"
        ),
        "place_details_es": (
            "cárceles de Izalco, La Esperanza, Apanteos, Zacatecoluca y Quezaltepeque, y "
            "bartolinas policiales"
        ),
        "event_start": D(2022, 3, 1),
        "event_end": None,
        "ongoing": True,
        "date_precision": "month",
        "grade": "corroborated",
        "rationale": "Socorro Jurídico Humanitario and Cristosal report it independently.",
        "rationale_es": (
            "Socorro Jurídico Humanitario y Cristosal lo denuncian de forma independiente."
        ),
        "citations": [
            {"source": "cristosal-report", "stance": "supports", "quote": ""},
            {"source": "sjh-efe-statement", "stance": "supports", "quote": ""},
            {"source": "sjh-icc-report", "stance": "supports", "quote": ""},
            {
                "source": "seed-article",
                "stance": "supports",
                "quote": (
                    "The human rights group Socorro Juridico reported this week that at least "
                    "480 people have died in detention since the state of emergency was declared."
                ),
            },
        ],
    },
    {
        "slug": "torture-and-ill-treatment-in-salvadoran-prisons",
        "title": "Torture and ill-treatment of detainees in Salvadoran prisons",
        "title_es": "Tortura y malos tratos a personas detenidas en cárceles salvadoreñas",
        "summary": (
            "Cristosal's report alleges torture practices against detainees under the state of "
            "exception. The government denies it."
        ),
        "summary_es": (
            "El informe de Cristosal denuncia prácticas de tortura contra personas detenidas "
            "bajo el régimen de excepción. El Gobierno lo niega."
        ),
        "categories": ["torture-or-ill-treatment"],
        "country": "SV",
        "location": "el-salvador",
        "event_start": D(2022, 3, 1),
        "event_end": D(2024, 4, 1),
        "date_precision": "month",
        "grade": "disputed",
        "rationale": (
            "Cristosal's report alleges it; the Presidential Commissioner for Human Rights "
            "publicly denies it."
        ),
        "rationale_es": (
            "El informe de Cristosal lo denuncia; el Comisionado Presidencial para los Derechos "
            "Humanos lo niega públicamente."
        ),
        "citations": [
            {"source": "cristosal-report", "stance": "supports", "quote": ""},
            {
                "source": "commissioner-statement",
                "stance": "contradicts",
                "quote": "In El Salvador, there is no torture in our penitentiary centers",
            },
        ],
    },
    {
        "slug": "limited-due-process-under-the-state-of-exception",
        "title": "Limited due process for people detained under the state of exception",
        "title_es": (
            "Debido proceso limitado para las personas detenidas bajo el régimen de excepción"
        ),
        "summary": (
            "Constitutional protections were suspended and many people were detained with "
            "limited access to due process, according to critics and rights groups."
        ),
        "summary_es": (
            "Se suspendieron garantías constitucionales y muchas personas fueron detenidas con "
            "un acceso limitado al debido proceso, según críticos y organizaciones de derechos "
            "humanos."
        ),
        "categories": ["denial-of-due-process"],
        "country": "SV",
        "location": "el-salvador",
        "event_start": D(2022, 3, 1),
        "ongoing": True,
        "date_precision": "month",
        "grade": "unverified",
        "citations": [
            {
                "source": "seed-article",
                "stance": "supports",
                "quote": (
                    "Critics say some constitutional protections were suspended and many people "
                    "were detained with limited access to due process."
                ),
            },
        ],
    },
    {
        "slug": "extremely-harsh-conditions-in-cecot",
        "title": "Extremely harsh conditions in CECOT",
        "title_es": "Condiciones extremadamente duras en el CECOT",
        "summary": (
            "Reports indicate strict isolation, no visitation, and little or no outdoor time, "
            "workshops, education or reintegration programmes for the inmates of CECOT."
        ),
        "summary_es": (
            "Los informes indican aislamiento estricto, ninguna visita y poco o ningún tiempo al "
            "aire libre, talleres, educación o programas de reinserción para los reclusos del "
            "CECOT."
        ),
        "categories": ["inhumane-conditions", "incommunicado-detention"],
        "country": "SV",
        "location": "cecot",
        "event_start": None,
        "date_precision": "day",
        "grade": "unverified",
        "citations": [
            {
                "source": "seed-article",
                "stance": "supports",
                "quote": (
                    "inmates face strict isolation, no visitation, and limited or no access to "
                    "outdoor time, workshops, education, or reintegration programs."
                ),
            },
        ],
    },
    {
        "slug": "venezuelans-deported-by-the-united-states-held-at-cecot",
        "title": (
            "More than 200 Venezuelans deported by the United States to El Salvador, some "
            "reportedly held at CECOT"
        ),
        "title_es": (
            "Más de 200 venezolanos deportados por Estados Unidos a El Salvador, algunos de "
            "ellos, según se informa, recluidos en el CECOT"
        ),
        "summary": (
            "The United States government deported more than 200 Venezuelans to El Salvador; "
            "some were reportedly held at CECOT."
        ),
        "summary_es": (
            "El Gobierno de Estados Unidos deportó a más de 200 venezolanos a El Salvador; "
            "algunos de ellos, según se informa, fueron recluidos en el CECOT."
        ),
        "categories": ["forced-transfer-or-deportation"],
        "country": "SV",
        "location": "cecot",
        "event_start": D(2025, 1, 1),
        "date_precision": "year",
        "victim_description": "more than 200 Venezuelan nationals",
        "victim_description_es": "más de 200 ciudadanos venezolanos",
        "alleged_perpetrator": "United States government (deportation)",
        "alleged_perpetrator_es": "Gobierno de Estados Unidos (deportación)",
        "grade": "corroborated",
        "rationale": (
            "Reported independently by EFE (via infobae) and by an English-language news article."
        ),
        "rationale_es": (
            "Lo informan de forma independiente EFE (a través de infobae) y un artículo de "
            "prensa en inglés."
        ),
        "citations": [
            {
                "source": "seed-article",
                "stance": "supports",
                "quote": (
                    "Earlier this year the U.S. government under the Trump administration "
                    "deported more than 200 Venezuelans to El Salvador, and some were reportedly "
                    "held at CECOT."
                ),
            },
            {"source": "efe-infobae", "stance": "supports", "quote": ""},
        ],
    },
    {
        "slug": "costa-rica-building-prison-modelled-on-cecot",
        "title": "Costa Rica has begun building a maximum-security prison modelled on CECOT",
        "title_es": (
            "Costa Rica ha comenzado a construir una cárcel de máxima seguridad inspirada en el "
            "CECOT"
        ),
        "summary": (
            "Context: Costa Rica has begun building a maximum-security prison modelled on CECOT."
        ),
        "summary_es": (
            "Contexto: Costa Rica ha comenzado a construir una cárcel de máxima seguridad "
            "inspirada en el CECOT."
        ),
        "categories": [],
        "country": "CR",
        "location": None,
        "event_start": None,
        "date_precision": "day",
        "grade": "unverified",
        "citations": [
            {
                "source": "seed-article",
                "stance": "supports",
                "quote": "Costa Rica has begun building a maximum-security prison modeled on CECOT",
            },
        ],
    },
    {
        "slug": "honduras-proposed-island-for-gang-detainees",
        "title": "Honduras proposed placing gang detainees on a remote island",
        "title_es": "Honduras propuso recluir a pandilleros detenidos en una isla remota",
        "summary": "Context: Honduras proposed placing gang detainees on a remote island.",
        "summary_es": (
            "Contexto: Honduras propuso recluir a pandilleros detenidos en una isla remota."
        ),
        "categories": [],
        "country": "HN",
        "location": None,
        "event_start": None,
        "date_precision": "day",
        "grade": "unverified",
        "citations": [
            {
                "source": "seed-article",
                "stance": "supports",
                "quote": "Honduras proposed placing gang detainees on a remote island",
            },
        ],
    },
    {
        "slug": "kast-toured-cecot-30-january-2026",
        # Its details (the day, the earlier visit, the meeting) come from EFE and El País.
        "original_language": "es",
        "title": (
            "Chile's president-elect Kast toured CECOT and said Chile would study, not copy, "
            "the model"
        ),
        "title_es": (
            "El presidente electo de Chile, Kast, recorrió el CECOT y dijo que Chile estudiaría "
            "el modelo, no lo copiaría"
        ),
        "summary": (
            "Chile's president-elect José Antonio Kast toured CECOT on Friday 30 January 2026, "
            "his second visit after April 2024, ahead of a meeting with President Nayib Bukele. "
            "He said Chile would study the Salvadoran model rather than copy it."
        ),
        "summary_es": (
            "El presidente electo de Chile, José Antonio Kast, recorrió el CECOT el viernes 30 "
            "de enero de 2026, su segunda visita tras la de abril de 2024, antes de reunirse con "
            "el presidente Nayib Bukele. Dijo que Chile estudiaría el modelo salvadoreño en lugar "
            "de copiarlo."
        ),
        "categories": [],
        "country": "SV",
        "location": "cecot",
        "event_start": D(2026, 1, 30),
        "date_precision": "day",
        "grade": "unverified",
        "citations": [
            {
                "source": "seed-article",
                "stance": "supports",
                "quote": (
                    "Kast stressed that the Salvadoran system differs from Chile's and said his "
                    "visit was intended to study and understand it rather than to copy it "
                    "verbatim."
                ),
            },
            {"source": "el-pais-kast", "stance": "supports", "quote": ""},
            {"source": "efe-infobae", "stance": "supports", "quote": ""},
        ],
    },
]

DEMO_USERS = [
    # username, password, group, is_staff, is_superuser
    ("contributor", "contributor-demo-2026", "Contributors", False, False),
    ("reviewer", "reviewer-demo-2026", "Reviewers", False, False),
    ("admin", "admin-demo-2026", None, True, True),
]
