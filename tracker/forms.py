"""Staff and public forms. None of them exposes status, reviewer or owner fields."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tracker import workflow
from tracker.countries import CountryNameField, default_country
from tracker.evidence import EvidenceRefused, check_evidence
from tracker.models import (
    Citation,
    Claim,
    Organization,
    Source,
    Statistic,
    Tip,
    VerificationGrade,
)
from tracker.models.base import CONTENT_LANGUAGES, ContentLanguage, field_in

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


@dataclass(frozen=True)
class StoredEvidence:
    """A stored file as staff see it: the name it was uploaded under, and its download link."""

    url: str
    name: str

    def __str__(self) -> str:
        return self.name


class EvidenceFileInput(forms.ClearableFileInput):
    """Show a stored file by its uploaded name, linked to the staff-only download."""

    def format_value(self, value):
        source = getattr(value, "instance", None)
        if self.is_initial(value) and source is not None and source.pk:
            return StoredEvidence(
                url=reverse("workspace:source_file", args=[source.pk]),
                name=source.original_name or posixpath.basename(value.name),
            )
        return super().format_value(value)


class EvidenceUploadMixin:
    """Accept a source's file only as evidence (``tracker.evidence``), to be stored under a
    random name with its detected type's extension; the uploaded name is kept for staff."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload or upload == self.instance.file:
            return upload
        limit = settings.SOURCE_FILE_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is too large: at most %(limit)s.") % {"limit": filesizeformat(limit)}
            )
        try:
            kind = check_evidence(upload)
        except EvidenceRefused as refused:
            raise forms.ValidationError(refused.message) from None
        self.instance.original_name = upload.name  # Django has kept its last part only
        upload.name = f"evidence{kind.extension}"
        return upload


# Staff-only fields that only an entry's owner and reviewers see (need to know).
PRIVATE_FIELDS = ("private_notes", "victim_identities")


def json_value(field, value):
    """A cleaned form value as the workflow's plain data holds it."""
    if field.many_to_many:
        return sorted(obj.pk for obj in value or [])
    if field.is_relation:
        return value.pk if value is not None else None
    if value is None or isinstance(value, bool | int | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


class VersionedForm(forms.ModelForm):
    """Carry the version the user started from, so a later save can refuse a stale edit.

    With ``show_private=False`` the private fields are left out of the form (and so of the
    edit): someone proposing a correction of another person's entry never sees them.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, show_private: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["version"].required = True
        if not show_private:
            for name in PRIVATE_FIELDS:
                self.fields.pop(name, None)

    def edited_fields(self) -> list[str]:
        return [name for name in self._meta.fields if name in self.fields]

    def entry_data(self) -> dict:
        """The edit as plain data (see ``tracker.workflow.edits``)."""
        fields, m2m = {}, {}
        for name in self.edited_fields():
            field = self._meta.model._meta.get_field(name)
            value = json_value(field, self.cleaned_data.get(name))
            (m2m if field.many_to_many else fields)[name] = value
        return {"fields": fields, "m2m": m2m}


def localized_label(record) -> str:
    """A category's or indicator's name in the reader's language, for choice lists."""
    return record.localized_name


@dataclass(frozen=True)
class LanguagePair:
    """One public text of an entry, its English and its Spanish fields side by side."""

    label: str
    english: forms.BoundField
    spanish: forms.BoundField


class BilingualForm(VersionedForm):
    """An entry's form with its public texts in both languages: the contributor picks the
    language the entry is written in, whose texts ``REQUIRED_TEXTS`` must be given; the other
    language's are its translation, edited (and reviewed) like any field."""

    REQUIRED_TEXTS: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "original_language" in self.fields:
            # Left out, it stays as it was (English for a new entry).
            self.fields["original_language"].required = False

    def clean_original_language(self) -> str:
        chosen = self.cleaned_data.get("original_language")
        return chosen or self.instance.original_language or ContentLanguage.ENGLISH

    def language_pairs(self) -> list[LanguagePair]:
        model = self._meta.model
        return [
            LanguagePair(
                label=model._meta.get_field(name).verbose_name,
                english=self[name],
                spanish=self[field_in(name, ContentLanguage.SPANISH)],
            )
            for name in model.TRANSLATED_FIELDS
            if name in self.fields
        ]

    def paired_names(self) -> set[str]:
        return {
            field_in(name, language)
            for name in self._meta.model.TRANSLATED_FIELDS
            for language in CONTENT_LANGUAGES
        } | {"original_language"}

    def other_fields(self) -> list[forms.BoundField]:
        """The visible fields that are not a text in two languages, in the form's order."""
        paired = self.paired_names()
        return [field for field in self.visible_fields() if field.name not in paired]

    def clean(self):
        cleaned = super().clean()
        original = cleaned.get("original_language") or ContentLanguage.ENGLISH
        for name in self.REQUIRED_TEXTS:
            written = field_in(name, original)
            if written in self.fields and not (cleaned.get(written) or "").strip():
                self.add_error(
                    written,
                    _("Required in the language the entry is written in (%(language)s).")
                    % {"language": ContentLanguage(original).label},
                )
        return cleaned


COUNTRY_HELP = _("Start typing its name, in English or Spanish, and choose it from the list.")


class ClaimForm(BilingualForm):
    REQUIRED_TEXTS = ("title", "summary")

    country = CountryNameField(label=_("country"), help_text=COUNTRY_HELP)

    class Meta:
        model = Claim
        fields = [
            "original_language",
            "title",
            "title_es",
            "summary",
            "summary_es",
            "categories",
            "country",
            "location",
            "place_details",
            "place_details_es",
            "event_start",
            "event_end",
            "ongoing",
            "date_precision",
            "victim_count",
            "victim_description",
            "victim_description_es",
            "victim_identities",
            "alleged_perpetrator",
            "alleged_perpetrator_es",
            "tags",
            "private_notes",
        ]
        widgets = {
            "original_language": forms.RadioSelect,
            "event_start": DATE_INPUT,
            "event_end": DATE_INPUT,
            "summary": forms.Textarea(attrs={"rows": 5}),
            "summary_es": forms.Textarea(attrs={"rows": 5, "lang": "es"}),
            "title_es": forms.TextInput(attrs={"lang": "es"}),
            "place_details_es": forms.TextInput(attrs={"lang": "es"}),
            "victim_description_es": forms.TextInput(attrs={"lang": "es"}),
            "alleged_perpetrator_es": forms.TextInput(attrs={"lang": "es"}),
            "victim_identities": forms.Textarea(attrs={"rows": 2}),
            "private_notes": forms.Textarea(attrs={"rows": 2}),
            "categories": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].label_from_instance = localized_label
        if not self.instance.pk and "country" not in (kwargs.get("initial") or {}):
            self.initial["country"] = default_country()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("event_start"), cleaned.get("event_end")
        if end and not start:
            self.add_error("event_start", _("Give a start date when you give an end date."))
        elif start and end and end < start:
            self.add_error("event_end", _("The end date cannot be before the start date."))
        return cleaned


class CitationForm(forms.Form):
    """One citation: an existing source, or a new one entered on the spot."""

    source = forms.ModelChoiceField(
        label=_("existing source"), queryset=Source.objects.order_by("title"), required=False
    )
    new_source_title = forms.CharField(label=_("or a new source: title"), required=False)
    new_source_url = forms.URLField(
        label=_("its address (URL)"), required=False, assume_scheme="https"
    )
    new_source_kind = forms.ChoiceField(
        label=_("its kind"), choices=Source.Kind.choices, initial=Source.Kind.REPORT
    )
    new_source_organization = forms.ModelChoiceField(
        label=_("its organisation"),
        queryset=Organization.objects.order_by("name"),
        required=False,
    )
    quote = forms.CharField(
        label=_("quote or excerpt"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    locator = forms.CharField(label=_("page or locator"), max_length=200, required=False)
    stance = forms.ChoiceField(
        label=_("stance"), choices=Citation.Stance.choices, initial=Citation.Stance.SUPPORTS
    )

    def __init__(self, *args, sources=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sources is not None:
            self.fields["source"].queryset = sources.order_by("title")

    def clean(self):
        cleaned = super().clean()
        if not self.has_changed():
            return cleaned
        if not cleaned.get("source") and not cleaned.get("new_source_title"):
            raise forms.ValidationError(
                _("Choose an existing source or give the title of a new one.")
            )
        return cleaned

    def row(self) -> dict | None:
        data = self.cleaned_data
        if (
            not data
            or data.get("DELETE")
            or not (data.get("source") or data.get("new_source_title"))
        ):
            return None
        new_source = None
        if not data.get("source"):
            organization = data.get("new_source_organization")
            new_source = {
                "title": data["new_source_title"],
                "url": data.get("new_source_url", ""),
                "kind": data.get("new_source_kind") or Source.Kind.REPORT,
                "organization_id": organization.pk if organization else None,
            }
        return {
            "source": data["source"].pk if data.get("source") else None,
            "new_source": new_source,
            "quote": data.get("quote", ""),
            "locator": data.get("locator", ""),
            "stance": data.get("stance") or Citation.Stance.SUPPORTS,
        }


class BaseCitationFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            row = form.row() if form.cleaned_data else None
            if row and row["source"]:
                key = (row["source"], row["locator"])
                if key in seen:
                    raise forms.ValidationError(_("The same source and locator are cited twice."))
                seen.add(key)

    def rows(self) -> list[dict]:
        return [row for form in self.forms if (row := form.row())]

    def narrow_sources(self, query: str) -> str | None:
        """Offer only the sources matching ``query`` (and those already chosen), or say why
        ``query`` cannot be searched."""
        from tracker.filters import search_problem
        from tracker.models.base import normalize_search_text

        if problem := search_problem(query):
            return problem
        needle = normalize_search_text(query.strip())
        for form in self.forms:
            offered = form.fields["source"].queryset
            chosen = form["source"].value()
            matching = offered.filter(search_text__contains=needle)
            if chosen:
                matching = matching | offered.filter(pk=chosen)
            form.fields["source"].queryset = matching.order_by("title")[:50]
        return None


CitationFormSet = forms.formset_factory(
    CitationForm, formset=BaseCitationFormSet, extra=2, can_delete=True, max_num=50
)


def citation_initial(rows: list[dict]) -> list[dict]:
    """The citation forms' initial values from citation rows of the workflow's edit format."""
    return [
        {
            "source": row["source"],
            "quote": row["quote"],
            "locator": row["locator"],
            "stance": row["stance"],
        }
        for row in rows
    ]


class StatisticForm(BilingualForm):
    country = CountryNameField(label=_("country"), required=False, help_text=COUNTRY_HELP)

    class Meta:
        model = Statistic
        fields = [
            "original_language",
            "indicator",
            "organization",
            "source",
            "qualifier",
            "value",
            "value_high",
            "as_of",
            "as_of_precision",
            "period_start",
            "period_start_precision",
            "country",
            "location",
            "note",
            "note_es",
            "quote",
            "locator",
            "private_notes",
        ]
        widgets = {
            "original_language": forms.RadioSelect,
            "as_of": DATE_INPUT,
            "period_start": DATE_INPUT,
            "note_es": forms.TextInput(attrs={"lang": "es"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].label_from_instance = localized_label

    def clean(self):
        cleaned = super().clean()
        qualifier, low, high = (cleaned.get(k) for k in ("qualifier", "value", "value_high"))
        if qualifier == "range" and (high is None or (low is not None and high < low)):
            self.add_error("value_high", _("A range needs an upper bound above its lower bound."))
        if qualifier != "range" and high is not None:
            self.add_error("value_high", _("Only a range has an upper bound."))
        start, as_of = cleaned.get("period_start"), cleaned.get("as_of")
        if start and as_of and start > as_of:
            self.add_error("period_start", _("The period cannot start after the as-of date."))
        return cleaned


class SourceForm(EvidenceUploadMixin, VersionedForm):
    rationale = forms.CharField(
        label=_("rationale"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        help_text=_(
            "Required to make a confidential source public again: why its details may now be "
            "shown. Kept with the change."
        ),
    )

    class Meta:
        model = Source
        fields = [*Source.PUBLIC_FIELDS, "confidential", "file", "private_notes"]
        widgets = {
            "published_on": DATE_INPUT,
            "accessed_on": DATE_INPUT,
            "file": EvidenceFileInput,
        }

    def __init__(self, *args, can_clear_confidential: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.confidential and not can_clear_confidential:
            self.fields["confidential"].disabled = True
            self.fields["confidential"].help_text = _(
                "Only a reviewer can make a confidential source public again."
            )

    def edited_fields(self) -> list[str]:
        # A new file is stored by the view and travels in the edit by its stored name.
        return [name for name in super().edited_fields() if name != "file"]

    def clean(self):
        cleaned = super().clean()
        published, accessed = cleaned.get("published_on"), cleaned.get("accessed_on")
        if published and accessed and accessed < published:
            self.add_error("accessed_on", _("A source cannot be accessed before it was published."))
        return cleaned


class OrganizationForm(VersionedForm):
    class Meta:
        model = Organization
        fields = [*Organization.PUBLIC_FIELDS, "slug", "private_notes"]


class ActionField(forms.CharField):
    """The decision, offered as radio buttons: only those ``allowed_actions`` allows.

    A refused decision sent anyway is answered with the workflow's reason for refusing it.
    """

    widget = forms.RadioSelect

    def offer(self, actions: workflow.AllowedActions) -> None:
        self.actions = actions
        self.widget.choices = [(decision.action, decision.label) for decision in actions.allowed]

    def validate(self, value):
        super().validate(value)
        if value and value not in self.actions:
            raise forms.ValidationError(
                self.actions.refusal(value) or _("Choose one of the decisions offered."),
                code="invalid_choice",
            )


class DecisionForm(forms.Form):
    action = ActionField(label=_("decision"))
    comment = forms.CharField(
        label=_("comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required unless you approve. The author sees it."),
    )
    public_note = forms.CharField(
        label=_("public reason for the withdrawal"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_(
            "Required to withdraw, in English or Spanish or both. Shown publicly on the "
            "withdrawal notice."
        ),
    )
    public_note_es = forms.CharField(
        label=_("public reason for the withdrawal, in Spanish"),
        widget=forms.Textarea(attrs={"rows": 3, "lang": "es"}),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, actions: workflow.AllowedActions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].offer(actions)
        if "withdraw" not in actions:
            del self.fields["public_note"]
            del self.fields["public_note_es"]

    def clean(self):
        cleaned = super().clean()
        given = cleaned.get("public_note", "").strip() or cleaned.get("public_note_es", "").strip()
        if cleaned.get("action") == "withdraw" and not given:
            self.add_error(
                "public_note",
                _("Give the public reason for the withdrawal: the withdrawal notice shows it."),
            )
        return cleaned


class VerificationForm(forms.Form):
    grade = forms.ChoiceField(label=_("verification grade"), choices=VerificationGrade.choices)
    rationale = forms.CharField(
        label=_("rationale"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Shown publicly with the entry. In English or Spanish, or both."),
    )
    rationale_es = forms.CharField(
        label=_("rationale in Spanish"),
        widget=forms.Textarea(attrs={"rows": 3, "lang": "es"}),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("rationale", "").strip() or cleaned.get("rationale_es", "").strip()):
            self.add_error("rationale", _("Give the rationale for the grade."))
        return cleaned


class RevisionDecisionForm(forms.Form):
    action = ActionField(label=_("decision"))
    correction_note = forms.CharField(
        label=_("public correction note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_(
            "Required to approve, in English or Spanish or both. Shown publicly under the "
            "title: say what was corrected."
        ),
    )
    correction_note_es = forms.CharField(
        label=_("public correction note in Spanish"),
        widget=forms.Textarea(attrs={"rows": 3, "lang": "es"}),
        required=False,
    )
    comment = forms.CharField(
        label=_("comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required to reject. For the staff only."),
    )

    def __init__(self, *args, actions: workflow.AllowedActions, needs_note: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].offer(actions)
        self.needs_note = needs_note
        if not needs_note:
            # A person record keeps no public versions, so no public note goes with it.
            del self.fields["correction_note"], self.fields["correction_note_es"]

    def clean(self):
        cleaned = super().clean()
        if not self.needs_note:
            cleaned.update(correction_note="", correction_note_es="")
            return cleaned
        given = (
            cleaned.get("correction_note", "").strip()
            or cleaned.get("correction_note_es", "").strip()
        )
        if cleaned.get("action") == "approve" and not given:
            self.add_error(
                "correction_note",
                _("Write the public correction note: it says what was corrected."),
            )
        return cleaned


class TipForm(forms.ModelForm):
    # Hidden from people by CSS; a bot that fills it in is turned away.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    class Meta:
        model = Tip
        fields = ["what", "where", "when", "link", "contact"]
        widgets = {"what": forms.Textarea(attrs={"rows": 6, "maxlength": 5000})}
        labels = {"contact": _("How to reach you (optional)")}
        help_texts = {"contact": _("Only our reviewers see it. It is never published.")}

    def clean_what(self):
        what = self.cleaned_data["what"].strip()
        if len(what) > 5000:
            raise forms.ValidationError(_("Please keep it under 5,000 characters."))
        if len(what) < 10:
            raise forms.ValidationError(_("Please say a little more about what happened."))
        return what


class ArchiveTipForm(forms.Form):
    reason = forms.CharField(
        label=_("why archive this tip"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("For example: a duplicate of another tip, outside what we document."),
    )


class RestoreForm(forms.Form):
    """Bring back an earlier version of an entry (reviewed like any edit)."""

    history_id = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("why restore this version"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


class LinkDecisionForm(forms.Form):
    """A reviewer's decision on a proposed link between two person records."""

    # Every decision the linkage knows; the workflow refuses one the proposal does not take now.
    action = forms.ChoiceField(label=_("decision"), choices=workflow.link_action_choices)
    comment = forms.CharField(
        label=_("comment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Required to undo a link. Staff only."),
    )
