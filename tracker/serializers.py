"""Public representations of the published data, shared by the JSON exports and the API.

Every field here is public. Private fields (victims' identities, private notes, who created or
edited an entry, confidential sources' details) are never listed, so they can never leak.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tracker.documented import cached_documented
from tracker.models import (
    Citation,
    Claim,
    Indicator,
    Location,
    Organization,
    Person,
    PersonSource,
    Source,
    Statistic,
)
from tracker.models.people import PUBLIC_IF_NAMED, Privacy, shows_identity
from tracker.models.sources import withheld
from tracker.models.statistics import decimal_text
from tracker.public_cache import public_version


def page_url(obj, request=None) -> str:
    """The public page of ``obj`` in the default language, absolute when a request is known."""
    with translation.override(settings.LANGUAGE_CODE):
        path = obj.get_absolute_url()
    return request.build_absolute_uri(path) if request is not None else path


class PageUrlField(serializers.Field):
    """The address of the entry's public page."""

    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        return page_url(value, self.context.get("request"))


extend_schema_field({"type": "string", "format": "uri"})(PageUrlField)


class FigureField(serializers.DecimalField):
    """A figure as text, without the zeros of its stored decimals: ``"480"``, ``"12.5"``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        return decimal_text(value)


class OrganizationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["slug", "name", "name_es"]


class CitedSourceSerializer(serializers.ModelSerializer):
    """A cited source (``Source.CITED_FIELDS``); a confidential one is only said to exist: its
    title says so and its other fields are ``withheld``."""

    confidential = serializers.BooleanField()
    id = serializers.IntegerField(allow_null=True)
    organization = OrganizationRefSerializer(allow_null=True)

    class Meta:
        model = Source
        fields = ["confidential", "id", *Source.CITED_FIELDS]
        # A confidential source's choices are withheld as blank.
        extra_kwargs = {
            name: {"allow_blank": True}
            for name in Source.CITED_FIELDS
            if Source._meta.get_field(name).choices
        }

    def to_representation(self, source: Source) -> dict:
        data = super().to_representation(source)
        if source.confidential:
            for name, value in data.items():
                data[name] = withheld(value, True, None if self.fields[name].allow_null else "")
            data.update(confidential=True, title=source.public_title)
        return data


class CitationSerializer(serializers.ModelSerializer):
    source = CitedSourceSerializer()
    quote = serializers.CharField(source="public_quote")
    locator = serializers.CharField(source="public_locator")

    class Meta:
        model = Citation
        fields = ["source", "quote", "locator", "stance"]


class ClaimSerializer(serializers.ModelSerializer):
    url = PageUrlField()
    categories = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")
    tags = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    place = serializers.SlugRelatedField(
        source="location", read_only=True, slug_field="slug", allow_null=True
    )
    country = serializers.CharField(source="country.code", read_only=True)
    citations = CitationSerializer(many=True, read_only=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "url",
            "title",
            "summary",
            "categories",
            "country",
            "place",
            "place_details",
            "event_start",
            "event_end",
            "ongoing",
            "date_precision",
            "victim_count",
            "victim_description",
            "alleged_perpetrator",
            "tags",
            "verification",
            "verification_rationale",
            "published_at",
            "citations",
            "corrected_at",
            # Both languages (new fields go at the end, so the CSV's columns keep their place):
            # the English texts are the fields above, the Spanish ones end in ``_es``, and
            # ``original_language`` says which of the two was written first.
            "original_language",
            "title_es",
            "summary_es",
            "place_details_es",
            "victim_description_es",
            "alleged_perpetrator_es",
            "verification_rationale_es",
        ]


class IndicatorSerializer(serializers.ModelSerializer):
    url = PageUrlField()
    category = serializers.SlugRelatedField(read_only=True, slug_field="slug", allow_null=True)

    class Meta:
        model = Indicator
        fields = [
            "slug",
            "url",
            "name",
            "name_es",
            "unit",
            "unit_es",
            "description",
            "category",
            "description_es",
            "original_language",
        ]


class RegisterMonthSerializer(serializers.Serializer):
    month = serializers.DateField(help_text=_("The last day of the month."))
    people = serializers.IntegerField(help_text=_("People documented by the end of the month."))


class DocumentedSerializer(serializers.Serializer):
    """What the register of people documents for an indicator tied to it: numbers only."""

    people = serializers.IntegerField(
        help_text=_(
            "People with a date of death in the indicator's range: the documented count "
            "(records of one person linked across sources count once)."
        )
    )
    listed = serializers.IntegerField(help_text=_("Of them, people with a public record."))
    counted_only = serializers.IntegerField(
        help_text=_("Of them, people counted whose records are never listed.")
    )
    linked_records = serializers.IntegerField(
        help_text=_("Published records of a person already counted (not counted again).")
    )
    undated_people = serializers.IntegerField(
        help_text=_("People matching the register query whose records give no date of death.")
    )
    not_yet_published = serializers.IntegerField(
        help_text=_("Records matching the query, being written or awaiting review.")
    )
    synthetic = serializers.IntegerField(
        help_text=_("Of the people counted, those whose records are made up (demo data).")
    )
    months = serializers.SerializerMethodField()

    @extend_schema_field(RegisterMonthSerializer(many=True))
    def get_months(self, documented) -> list[dict]:
        return [{"month": day, "people": total} for day, total in documented.months]


class IndicatorDetailSerializer(IndicatorSerializer):
    """One indicator, with what the register of people documents when it is tied to it."""

    register = serializers.SerializerMethodField()

    class Meta(IndicatorSerializer.Meta):
        fields = [*IndicatorSerializer.Meta.fields, "register"]

    @extend_schema_field(DocumentedSerializer(allow_null=True))
    def get_register(self, indicator: Indicator) -> dict | None:
        if not indicator.counts_register:
            return None
        found = cached_documented(indicator, public_version())
        return DocumentedSerializer(found).data if found is not None else None


class StatisticSerializer(serializers.ModelSerializer):
    url = PageUrlField()
    indicator = serializers.SlugRelatedField(read_only=True, slug_field="slug")
    organization = OrganizationRefSerializer()
    source = CitedSourceSerializer()
    place = serializers.SlugRelatedField(
        source="location", read_only=True, slug_field="slug", allow_null=True
    )
    country = serializers.CharField(source="country.code", read_only=True)
    quote = serializers.CharField(source="public_quote")
    locator = serializers.CharField(source="public_locator")
    value = FigureField()
    value_high = FigureField(allow_null=True)

    class Meta:
        model = Statistic
        fields = [
            "id",
            "url",
            "indicator",
            "qualifier",
            "value",
            "value_high",
            "as_of",
            "as_of_precision",
            "period_start",
            "period_start_precision",
            "country",
            "place",
            "organization",
            "source",
            "note",
            "quote",
            "locator",
            "verification",
            "verification_rationale",
            "published_at",
            "original_language",
            "note_es",
            "verification_rationale_es",
        ]


class SourceSerializer(serializers.ModelSerializer):
    """A public source: public() already leaves confidential ones out."""

    page = PageUrlField()
    organization = OrganizationRefSerializer(allow_null=True)

    class Meta:
        model = Source
        fields = ["id", "page", *Source.PUBLIC_FIELDS]


class OrganizationSerializer(serializers.ModelSerializer):
    url = PageUrlField()
    country = serializers.CharField(source="country.code", read_only=True)

    class Meta:
        model = Organization
        fields = ["slug", "url", *Organization.PUBLIC_FIELDS]


class LocationSerializer(serializers.ModelSerializer):
    url = PageUrlField()
    country = serializers.CharField(source="country.code", read_only=True)
    # The place's own coordinates (WGS 84, decimal degrees), empty when staff have given none.
    latitude = serializers.FloatField(read_only=True, allow_null=True)
    longitude = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = Location
        fields = [
            "slug",
            "url",
            "name",
            "kind",
            "country",
            "description",
            "opened_year",
            "name_es",
            "description_es",
            "latitude",
            "longitude",
            "original_language",
        ]


class PersonReportSerializer(serializers.ModelSerializer):
    """A source reporting a person; its case number only ever leaves with a named record."""

    source = CitedSourceSerializer()
    case_number = serializers.CharField()
    locator = serializers.CharField(source="public_locator")

    class Meta:
        model = PersonSource
        fields = ["source", "case_number", "locator"]


class PersonSerializer(serializers.ModelSerializer):
    """The public shape of a person record: the one place that applies its privacy level.

    Only listed records (``Person.objects.listed()``) are ever given to it. The identifying
    fields (``PUBLIC_IF_NAMED``) are emptied unless the record is named; the exact birth date is
    not a field here at all. A counted-only record, were one ever passed, keeps its id alone.
    """

    url = PageUrlField()
    place = serializers.SlugRelatedField(read_only=True, slug_field="slug")
    country = serializers.CharField(source="country.code", read_only=True)
    claims = serializers.SerializerMethodField()
    case_numbers = serializers.SerializerMethodField()
    sources = PersonReportSerializer(source="reports", many=True, read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "url",
            "privacy",
            "name",
            "other_names",
            "sex",
            "age",
            "age_high",
            "occupation",
            "country",
            "situation",
            "detained_on",
            "detained_precision",
            "detained_certainty",
            "died_on",
            "died_precision",
            "died_certainty",
            "place",
            "identity_certainty",
            "description",
            "cause_reported",
            "alleged_perpetrator",
            "verification",
            "verification_rationale",
            "published_at",
            "claims",
            "case_numbers",
            "sources",
            "original_language",
            "description_es",
            "cause_reported_es",
            "alleged_perpetrator_es",
            "verification_rationale_es",
        ]

    def get_claims(self, person: Person) -> list[int]:
        """The published claims the person belongs to (prefetched as ``public_claims``)."""
        return [claim.pk for claim in person.public_claims]

    def get_case_numbers(self, person: Person) -> list[str]:
        return [report.case_number for report in person.reports.all() if report.case_number]

    def to_representation(self, person: Person) -> dict:
        data = super().to_representation(person)
        if person.privacy not in Privacy.listed():
            return {"id": person.pk}
        if not shows_identity(person.privacy):
            for name in PUBLIC_IF_NAMED:
                data[name] = [] if isinstance(data[name], list) else ""
            for report in data["sources"]:
                report["case_number"] = ""
        return data
