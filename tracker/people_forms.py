"""The workspace's forms for the register of people: a person record and the sources that
report it, each with the source's own case number.

They validate only; the view hands their data to the workflow (``tracker.workflow.edits``),
which writes the record as its author's draft. No form exposes moderation, reviewer, owner or
linkage fields.
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from tracker.forms import DATE_INPUT, BaseCitationFormSet, BilingualForm, CitationForm
from tracker.models import Person, Source


class PersonForm(BilingualForm):
    class Meta:
        model = Person
        fields = [
            "original_language",
            "privacy",
            "name",
            "other_names",
            "birth_date",
            "sex",
            "age",
            "age_high",
            "occupation",
            "situation",
            "country",
            "place",
            "detained_on",
            "detained_precision",
            "detained_certainty",
            "died_on",
            "died_precision",
            "died_certainty",
            "identity_certainty",
            "description",
            "description_es",
            "cause_reported",
            "cause_reported_es",
            "alleged_perpetrator",
            "alleged_perpetrator_es",
            "private_notes",
        ]
        widgets = {
            "original_language": forms.RadioSelect,
            "privacy": forms.RadioSelect,
            "birth_date": DATE_INPUT,
            "detained_on": DATE_INPUT,
            "died_on": DATE_INPUT,
            "description_es": forms.TextInput(attrs={"lang": "es"}),
            "cause_reported_es": forms.TextInput(attrs={"lang": "es"}),
            "alleged_perpetrator_es": forms.TextInput(attrs={"lang": "es"}),
            "private_notes": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("age"), cleaned.get("age_high")
        if high is not None and (low is None or high < low):
            self.add_error(
                "age_high", _("The high end of an age range needs a lower age below it.")
            )
        detained, died = cleaned.get("detained_on"), cleaned.get("died_on")
        if detained and died and died < detained:
            self.add_error("died_on", _("The date of death cannot be before the detention."))
        born = cleaned.get("birth_date")
        if born and born > datetime.date.today():
            self.add_error("birth_date", _("The date of birth cannot be in the future."))
        return cleaned


class PersonReportForm(CitationForm):
    """One source reporting the person: an existing source or a new one, with its case number."""

    case_number = forms.CharField(
        label=_("case number in the source"), max_length=100, required=False
    )
    field_order = [
        "source",
        "new_source_title",
        "new_source_url",
        "new_source_kind",
        "new_source_organization",
        "case_number",
        "locator",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("quote", "stance"):
            del self.fields[name]

    def row(self) -> dict | None:
        row = super().row()
        if row is None:
            return None
        return {
            "source": row["source"],
            "new_source": row["new_source"],
            "case_number": self.cleaned_data.get("case_number", "").strip(),
            "locator": row["locator"],
        }


class BasePersonReportFormSet(BaseCitationFormSet):
    def clean(self):
        forms.BaseFormSet.clean(self)
        if any(self.errors):
            return
        rows = self.rows()
        if not rows:
            raise forms.ValidationError(_("Give at least one source that reports this person."))
        chosen = [row["source"] for row in rows if row["source"]]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(_("The same source is given twice."))


PersonReportFormSet = forms.formset_factory(
    PersonReportForm, formset=BasePersonReportFormSet, extra=2, can_delete=True, max_num=50
)


class CaseListForm(forms.Form):
    """A source's case list to check (a dry run) or to import as draft person records."""

    source = forms.ModelChoiceField(
        label=_("source of the list"),
        queryset=Source.objects.none(),
        help_text=_("Every record will be reported by this source, with the row's case number."),
    )
    file = forms.FileField(
        label=_("Case list (CSV, UTF-8)"),
        help_text=_("One row per case; the columns are listed above."),
    )

    def __init__(self, *args, sources=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sources is not None:
            self.fields["source"].queryset = sources.order_by("title")
