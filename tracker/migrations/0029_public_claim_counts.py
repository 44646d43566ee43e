"""Counts of published claims by facet value, kept by triggers (``PublicClaimCount``).

With no filter but its own, a facet of the claim list counts every published claim: after each
decision (which every cached list keys on) the first reader's statement grouped all of them
again, up to a few hundred milliseconds at 100,000 claims for the unfiltered list, the
categories' and organisations' links included. The counts are now kept in the statements that
change them: a claim published, withdrawn, deleted or changed in its country, place, grade or
date; a category or public organisation linked or unlinked. Each statement adds what its rows
add and takes away what they took: a decision writes the two rows of its old and new grades.

PostgreSQL: one statement-level trigger per event on the claims, reading their transition
tables (a bulk update counts once), and each claim's keys read from its own row, its categories'
and public organisations' ids included (migration 0023: the link tables' triggers write them
to the claim, which brings the change here). SQLite: row triggers on the claims and on both
link tables. The counts of the claims already there are written at the end.
"""

from django.db import migrations, models

TABLE = "tracker_publicclaimcount"
COLUMNS = "facet, value, month, date_precision, n"


def upsert(greatest: str) -> str:
    """Add each row's ``n`` to its value's count. A count below zero counts as zero: it can only
    be a value taken away after the counts were emptied from under the claims (a flush that
    deletes the counts before the claims, as Django's does on SQLite), never a real count."""
    return (
        "ON CONFLICT (facet, value, month, date_precision) "
        f"DO UPDATE SET n = {greatest}({TABLE}.n, 0) + EXCLUDED.n"
    )


PUBLISHED = "'published'"

# -- PostgreSQL -------------------------------------------------------------------------------

PG_YEAR = "CAST(date_part('year', c.event_start) AS INTEGER)"
PG_MONTH = "CAST(date_part('month', c.event_start) AS INTEGER)"
# The values a claim row counts under (when published).
PG_KEYS = f"""
CREATE FUNCTION tracker_publicclaimcount_keys(c tracker_claim)
RETURNS TABLE (facet text, value text, month text, date_precision text)
LANGUAGE sql IMMUTABLE AS $$
    SELECT 'country', c.country, '', '' WHERE c.country IS NOT NULL
    UNION ALL SELECT 'place', CAST(c.location_id AS TEXT), '', '' WHERE c.location_id IS NOT NULL
    UNION ALL SELECT 'grade', c.verification, '', '' WHERE c.verification IS NOT NULL
    UNION ALL SELECT 'category', CAST(u AS TEXT), '', '' FROM unnest(c.category_ids) u
    UNION ALL SELECT 'organization', CAST(u AS TEXT), '', '' FROM unnest(c.organization_ids) u
    UNION ALL SELECT 'tally', COALESCE(CAST({PG_YEAR} AS TEXT), ''),
        COALESCE(CAST({PG_MONTH} AS TEXT), ''), COALESCE(c.date_precision, '')
$$
"""


def pg_side(rows: str, sign: int) -> str:
    return (
        f"SELECT k.facet, k.value, k.month, k.date_precision, {sign} AS d FROM {rows} c, "
        f"tracker_publicclaimcount_keys(c) k WHERE c.status = {PUBLISHED}"
    )


def pg_upsert(*sides: str) -> str:
    # Grouped (one row per value, the statement's changes netted), in a fixed order: two
    # transactions then take their rows' locks in the same order.
    return (
        f"INSERT INTO {TABLE} ({COLUMNS}) SELECT facet, value, month, date_precision, sum(d) "
        f"FROM ({' UNION ALL '.join(sides)}) x GROUP BY 1, 2, 3, 4 HAVING sum(d) <> 0 "
        f"ORDER BY 1, 2, 3, 4 {upsert('GREATEST')};"
    )


PG_FUNCTION = f"""
CREATE FUNCTION tracker_publicclaimcount_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {pg_upsert(pg_side("new_rows", 1))}
    ELSIF TG_OP = 'DELETE' THEN
        {pg_upsert(pg_side("old_rows", -1))}
    ELSE
        {pg_upsert(pg_side("old_rows", -1), pg_side("new_rows", 1))}
    END IF;
    RETURN NULL;
END $$
"""

PG_TRIGGERS = [
    PG_KEYS,
    PG_FUNCTION,
    "CREATE TRIGGER tracker_publicclaimcount_insert AFTER INSERT ON tracker_claim "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION tracker_publicclaimcount_keep()",
    "CREATE TRIGGER tracker_publicclaimcount_update AFTER UPDATE ON tracker_claim "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION tracker_publicclaimcount_keep()",
    "CREATE TRIGGER tracker_publicclaimcount_delete AFTER DELETE ON tracker_claim "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION tracker_publicclaimcount_keep()",
]
PG_DROP = [
    "DROP TRIGGER IF EXISTS tracker_publicclaimcount_insert ON tracker_claim",
    "DROP TRIGGER IF EXISTS tracker_publicclaimcount_update ON tracker_claim",
    "DROP TRIGGER IF EXISTS tracker_publicclaimcount_delete ON tracker_claim",
    "DROP FUNCTION IF EXISTS tracker_publicclaimcount_keep()",
    "DROP FUNCTION IF EXISTS tracker_publicclaimcount_keys(tracker_claim)",
]

# -- SQLite -----------------------------------------------------------------------------------


def sqlite_scalar_keys(row: str) -> str:
    """The values the claim ``row`` (NEW or OLD) counts under, its links' apart."""
    year = f"CAST(substr({row}.event_start, 1, 4) AS INTEGER)"
    month = f"CAST(substr({row}.event_start, 6, 2) AS INTEGER)"
    return (
        f"SELECT 'country' AS facet, {row}.country AS value, '' AS month, '' AS date_precision "
        f"WHERE {row}.country IS NOT NULL "
        f"UNION ALL SELECT 'place', CAST({row}.location_id AS TEXT), '', '' "
        f"WHERE {row}.location_id IS NOT NULL "
        f"UNION ALL SELECT 'grade', {row}.verification, '', '' "
        f"WHERE {row}.verification IS NOT NULL "
        f"UNION ALL SELECT 'tally', COALESCE(CAST({year} AS TEXT), ''), "
        f"COALESCE(CAST({month} AS TEXT), ''), COALESCE({row}.date_precision, '')"
    )


def sqlite_link_keys(claim: str) -> str:
    """The claim's categories and public organisations, as its links hold them now."""
    return (
        "SELECT 'category' AS facet, CAST(l.category_id AS TEXT) AS value, '' AS month, "
        f"'' AS date_precision FROM tracker_claim_categories l WHERE l.claim_id = {claim} "
        "UNION ALL SELECT 'organization', CAST(o.organization_id AS TEXT), '', '' "
        f"FROM tracker_publicclaimorganization o WHERE o.claim_id = {claim}"
    )


def sqlite_add(keys: str, sign: int, when: str) -> str:
    """Add ``sign`` to the count of each of ``keys`` when ``when`` holds."""
    return (
        f"INSERT INTO {TABLE} ({COLUMNS}) SELECT facet, value, month, date_precision, {sign} "
        f"FROM ({keys}) WHERE {when} {upsert('max')};"
    )


# A claim's counted columns; its links are counted by their own triggers while it is published.
COUNTED = ("status", "country", "location_id", "verification", "event_start", "date_precision")
CHANGED = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in COUNTED)
OLD_COUNTED = f"OLD.status = {PUBLISHED}"
NEW_COUNTED = f"NEW.status = {PUBLISHED}"
STATUS_CHANGED = "OLD.status IS NOT NEW.status"

# (link table, its value column, the facet it counts under)
LINKS = (
    ("tracker_claim_categories", "category_id", "category"),
    ("tracker_publicclaimorganization", "organization_id", "organization"),
)


def sqlite_link_triggers(table: str, column: str, facet: str) -> list[str]:
    """A link counts while its claim is published: added, removed or moved, it changes its
    claim's counts."""

    def side(row: str, sign: int) -> str:
        keys = (
            f"SELECT '{facet}' AS facet, CAST({row}.{column} AS TEXT) AS value, '' AS month, "
            "'' AS date_precision"
        )
        published = f"(SELECT status FROM tracker_claim WHERE id = {row}.claim_id) = {PUBLISHED}"
        return sqlite_add(keys, sign, published)

    name = f"tracker_publicclaimcount_{table.removeprefix('tracker_')}"
    return [
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} BEGIN {side('NEW', 1)} END",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} BEGIN {side('OLD', -1)} END",
        f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table} "
        f"BEGIN {side('OLD', -1)} {side('NEW', 1)} END",
    ]


SQLITE_TRIGGERS = [
    "CREATE TRIGGER tracker_publicclaimcount_insert AFTER INSERT ON tracker_claim BEGIN "
    f"{sqlite_add(sqlite_scalar_keys('NEW'), 1, NEW_COUNTED)} "
    f"{sqlite_add(sqlite_link_keys('NEW.id'), 1, NEW_COUNTED)} END",
    # The links count again only when the claim enters or leaves the published ones.
    "CREATE TRIGGER tracker_publicclaimcount_update AFTER UPDATE ON tracker_claim "
    f"WHEN {CHANGED} BEGIN "
    f"{sqlite_add(sqlite_scalar_keys('OLD'), -1, OLD_COUNTED)} "
    f"{sqlite_add(sqlite_link_keys('OLD.id'), -1, f'{OLD_COUNTED} AND {STATUS_CHANGED}')} "
    f"{sqlite_add(sqlite_scalar_keys('NEW'), 1, NEW_COUNTED)} "
    f"{sqlite_add(sqlite_link_keys('NEW.id'), 1, f'{NEW_COUNTED} AND {STATUS_CHANGED}')} END",
    "CREATE TRIGGER tracker_publicclaimcount_delete AFTER DELETE ON tracker_claim BEGIN "
    f"{sqlite_add(sqlite_scalar_keys('OLD'), -1, OLD_COUNTED)} "
    f"{sqlite_add(sqlite_link_keys('OLD.id'), -1, OLD_COUNTED)} END",
    *(trigger for link in LINKS for trigger in sqlite_link_triggers(*link)),
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS tracker_publicclaimcount_{name}"
    for name in (
        "insert",
        "update",
        "delete",
        *(
            f"{table.removeprefix('tracker_')}_{event}"
            for table, _column, _facet in LINKS
            for event in ("insert", "delete", "update")
        ),
    )
]


# -- the claims already there ------------------------------------------------------------------


def counted(year: str, month: str) -> str:
    """Every published claim's counts, from its row and its links; ``year`` and ``month``: the
    date parts of ``c.event_start`` as integers, in the database's words."""
    published = f"WHERE c.status = {PUBLISHED}"
    return (
        f"INSERT INTO {TABLE} ({COLUMNS}) "
        f"SELECT 'country', c.country, '', '', count(*) FROM tracker_claim c {published} "
        "AND c.country IS NOT NULL GROUP BY 2 "
        "UNION ALL SELECT 'place', CAST(c.location_id AS TEXT), '', '', count(*) "
        f"FROM tracker_claim c {published} AND c.location_id IS NOT NULL GROUP BY 2 "
        "UNION ALL SELECT 'grade', c.verification, '', '', count(*) "
        f"FROM tracker_claim c {published} AND c.verification IS NOT NULL GROUP BY 2 "
        f"UNION ALL SELECT 'tally', COALESCE(CAST({year} AS TEXT), ''), "
        f"COALESCE(CAST({month} AS TEXT), ''), COALESCE(c.date_precision, ''), count(*) "
        f"FROM tracker_claim c {published} GROUP BY 2, 3, 4 "
        + "".join(
            f"UNION ALL SELECT '{facet}', CAST(l.{column} AS TEXT), '', '', count(*) "
            f"FROM {table} l JOIN tracker_claim c ON c.id = l.claim_id {published} GROUP BY 2 "
            for table, column, facet in LINKS
        )
    )


COUNTED_NOW = {
    "postgresql": counted(PG_YEAR, PG_MONTH),
    "sqlite": counted(
        "CAST(substr(c.event_start, 1, 4) AS INTEGER)",
        "CAST(substr(c.event_start, 6, 2) AS INTEGER)",
    ),
}


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": PG_TRIGGERS, "sqlite": SQLITE_TRIGGERS}.get(vendor, []):
        schema_editor.execute(statement)
    if vendor in COUNTED_NOW:
        schema_editor.execute(COUNTED_NOW[vendor])


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": PG_DROP, "sqlite": SQLITE_DROP}.get(vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('tracker', '0028_claim_search_unchanged'),
    ]

    operations = [
        migrations.CreateModel(
            name='PublicClaimCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('facet', models.CharField(editable=False, max_length=16)),
                ('value', models.CharField(blank=True, editable=False, max_length=255)),
                ('month', models.CharField(blank=True, editable=False, max_length=2)),
                ('date_precision', models.CharField(blank=True, editable=False, max_length=16)),
                ('n', models.IntegerField(default=0, editable=False)),
            ],
            options={
                'verbose_name': 'count of published claims',
                'verbose_name_plural': 'counts of published claims',
                'constraints': [models.UniqueConstraint(fields=('facet', 'value', 'month', 'date_precision'), name='public_claim_count_unique')],
            },
        ),
        migrations.RunPython(create, drop),
    ]
