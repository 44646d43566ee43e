"""The Spanish catalogue is complete, its placeholders match, and the compiled .mo is current."""

import ast
import gettext
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "es" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")

# %(name)s, %s, %d ... as Python and Django's blocktranslate write them; "%%" is a literal.
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]|%%")


@dataclass
class Message:
    """One entry of a PO file."""

    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        """The key gettext uses: the context and the id joined by EOT."""
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"

    @property
    def translations(self) -> list[str]:
        return [self.msgstr[index] for index in sorted(self.msgstr)]


def parse_po(path: Path) -> list[Message]:
    """Read a PO file's live entries (obsolete ``#~`` entries are skipped), header included."""
    return parse_po_text(path.read_text(encoding="utf-8"), name=str(path))


def parse_po_text(text: str, name: str = "<po>") -> list[Message]:
    """Read the entries of a PO file's text."""
    messages: list[Message] = []
    current = Message()
    target: tuple[str, int | None] | None = None

    def finish() -> None:
        nonlocal current, target
        if current.msgstr:
            messages.append(current)
        current, target = Message(), None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#,"):
            if current.msgstr:
                finish()
            current.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            if current.msgstr and not line.startswith("#~"):
                finish()
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            keyword, rest = "", line
        elif keyword in {"msgctxt", "msgid"} and current.msgstr:
            finish()
        text = ast.literal_eval(rest)
        if keyword == "msgctxt":
            current.msgctxt, target = text, ("msgctxt", None)
            current.line = current.line or number
        elif keyword == "msgid":
            current.msgid, target = text, ("msgid", None)
            current.line = current.line or number
        elif keyword == "msgid_plural":
            current.msgid_plural, target = text, ("msgid_plural", None)
        elif keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword != "msgstr" else 0
            current.msgstr[index], target = text, ("msgstr", index)
        elif keyword == "" and target is not None:
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += text
            elif name == "msgctxt":
                current.msgctxt += text
            else:
                setattr(current, name, getattr(current, name) + text)
        else:
            raise ValueError(f"{name}:{number}: cannot read {raw!r}")
    finish()
    return messages


def where(message: Message) -> str:
    return f"line {message.line}: {message.msgid[:60]!r}"


@pytest.fixture(scope="module")
def catalogue() -> list[Message]:
    return [message for message in parse_po(CATALOGUE) if message.msgid]


def test_spanish_catalogue_has_no_untranslated_message(catalogue):
    untranslated = [where(m) for m in catalogue if not all(m.translations)]

    assert untranslated == []


def test_spanish_catalogue_has_no_fuzzy_message(catalogue):
    fuzzy = [where(m) for m in catalogue if "fuzzy" in m.flags]

    assert fuzzy == []


def test_spanish_catalogue_keeps_every_placeholder(catalogue):
    mismatched = []
    for message in catalogue:
        expected = sorted(PLACEHOLDER.findall(message.msgid_plural or message.msgid))
        for translation in message.translations:
            found = sorted(PLACEHOLDER.findall(translation))
            # A singular form may name its number in words ("una denuncia") instead of "%(n)s".
            if found != expected and not (message.msgid_plural and set(found) <= set(expected)):
                mismatched.append(f"{where(message)} -> {translation[:60]!r}")

    assert mismatched == []


def test_spanish_catalogue_plural_forms_are_all_given(catalogue):
    header = next(m for m in parse_po(CATALOGUE) if not m.msgid).msgstr[0]
    count = int(re.search(r"nplurals=(\d+)", header).group(1))

    incomplete = [where(m) for m in catalogue if m.msgid_plural and len(m.msgstr) != count]

    assert incomplete == []


def test_compiled_spanish_catalogue_matches_its_source(catalogue):
    with COMPILED.open("rb") as file:
        compiled = gettext.GNUTranslations(file)._catalog  # the messages read from the .mo
    expected = {}
    for message in catalogue:
        if "fuzzy" in message.flags or not all(message.translations):
            continue  # msgfmt leaves these out; the tests above name them
        if message.msgid_plural:
            for index, text in message.msgstr.items():
                expected[(message.key, index)] = text
        else:
            expected[message.key] = message.msgstr[0]

    compiled_messages = {key: text for key, text in compiled.items() if key not in ("", ("", 0))}

    assert compiled_messages == expected


# Run makemessages on a copy of the catalogue, as a maintainer would: every string the code and
# templates mark for translation must come out of it translated.
EXTRACT = """
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
settings.LOCALE_PATHS = [{locale!r}]
call_command(
    "makemessages", locale=["es"], no_location=True, verbosity=0,
    # "locale" too: makemessages would otherwise write into the app's own catalogue.
    ignore_patterns=[".venv", "tests", "node_modules", "staticfiles", "test-artifacts", "locale"],
)
"""


def test_every_marked_string_is_in_the_spanish_catalogue(tmp_path):
    from tests.processes import child_env

    if shutil.which("xgettext") is None:
        pytest.fail("xgettext is missing (apt-get install gettext)")
    copy = tmp_path / "es" / "LC_MESSAGES" / "django.po"
    copy.parent.mkdir(parents=True)
    shutil.copy(CATALOGUE, copy)
    before = CATALOGUE.read_bytes()
    result = subprocess.run(
        [sys.executable, "-c", EXTRACT.format(locale=str(tmp_path))],
        cwd=settings.BASE_DIR,
        env={**child_env(), "DJANGO_SETTINGS_MODULE": "tracker.settings_test"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert CATALOGUE.read_bytes() == before, "the extraction must not touch the catalogue"
    extracted = [m for m in parse_po(copy) if m.msgid]
    missing = [m.msgid[:80] for m in extracted if not all(m.translations) or "fuzzy" in m.flags]

    assert missing == []
