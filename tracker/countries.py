"""Countries as people type them: a code ("SV", "slv") or a name in English or Spanish
("El Salvador", "EL SALVADOR", "Mexico" for "México"), read as the ISO 3166-1 code that
entries store. The names are django-countries' own, in both languages of the site."""

from __future__ import annotations

import difflib
import functools

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from tracker.models.base import normalize_search_text


@functools.cache
def _index() -> dict[str, str]:
    """Every code and every name in every language of the site, folded, to its code."""
    index = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for code, name in countries:
                index.setdefault(normalize_search_text(name), code)
    for code, _name in countries:
        index[code.casefold()] = code
        if alpha3 := countries.alpha3(code):
            index.setdefault(alpha3.casefold(), code)
    return index


def country_code(text: str) -> str | None:
    """The code of the country ``text`` names, or None when it names none."""
    return _index().get(normalize_search_text(text.strip())) if text else None


def likely_country(text: str) -> str | None:
    """The code of the country ``text`` most likely means ("Salvador", "El Salvadr"), if any."""
    folded = normalize_search_text(text.strip())
    if len(folded) < 4:
        return None
    index = _index()
    names = [name for name in index if len(name) > 3]
    within = [name for name in names if folded in name]
    close = (
        within if len(within) == 1 else difflib.get_close_matches(folded, names, n=1, cutoff=0.85)
    )
    return index[close[0]] if close else None


class CountryInput(forms.TextInput):
    """A text input whose suggestions are the countries' names in the reader's language
    (an HTML ``datalist``): typing filters them in the browser, with or without JavaScript,
    and the form reads back a name or a code."""

    def format_value(self, value):
        # A stored code (or Country) is shown as its name; what was typed is shown as typed.
        text = str(value or "")
        if text.upper() in countries:
            return countries.name(text.upper())
        return super().format_value(text)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**(attrs or {}), "list": f"{(attrs or {}).get('id', name)}-countries"}
        return format_html(
            '{}<datalist id="{}">{}</datalist>',
            super().render(name, value, attrs, renderer),
            attrs["list"],
            format_html_join("", '<option value="{}"></option>', ((n,) for _c, n in countries)),
        )


class CountryNameField(forms.CharField):
    """A country by its name in either language or its code; cleaned to its code."""

    widget = CountryInput(attrs={"autocomplete": "off"})
    default_error_messages = {
        "unknown": _(
            "“%(value)s” is not a country we know. Type its name and choose it from the "
            "list, or give its two-letter code, such as SV for El Salvador."
        ),
    }

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return ""
        code = country_code(text)
        if code is None:
            raise forms.ValidationError(
                self.error_messages["unknown"], code="unknown", params={"value": text[:80]}
            )
        return code


def default_country() -> str:
    """The country a new entry starts with (``DEFAULT_COUNTRY``), if it is a known one."""
    return country_code(settings.DEFAULT_COUNTRY) or ""
