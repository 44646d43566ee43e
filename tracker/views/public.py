"""Public pages. Every queryset here starts from a model's ``public()``."""

from django.db.models import OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.generic import DetailView, TemplateView

from tracker.lists import LISTS, public_citations, statistics_for_listing
from tracker.models import (
    Category,
    Citation,
    Claim,
    Indicator,
    Location,
    ModerationEvent,
    Organization,
    PublishedVersion,
    Qualifier,
    Source,
    Statistic,
    VerificationGrade,
    Withdrawal,
)
from tracker.public_cache import get_or_compute, public_version
from tracker.snapshots import rebuild
from tracker.views.listing import FilteredListView
from tracker.workflow import history


def permanent_url(request, entry) -> str:
    """The entry's (or version's) address without the language prefix: it redirects to the
    reader's language."""
    path = entry.get_absolute_url()
    prefix = f"/{get_language()}/"
    if path.startswith(prefix):
        path = path[len(prefix) - 1 :]
    return request.build_absolute_uri(path)


def versions_context(request, model, pk: int) -> dict:
    """The entry's published versions, newest first, and its corrections, queried only when
    the page uses them (the claim page's body is cached)."""

    def versions() -> list[PublishedVersion]:
        return list(
            PublishedVersion.objects.for_object(model, pk).defer("data").order_by("-number")
        )

    listed = SimpleLazyObject(versions)
    return {
        "versions": listed,
        "corrections": SimpleLazyObject(lambda: [v for v in listed if v.is_correction]),
        "current_version_url": SimpleLazyObject(
            lambda: permanent_url(request, listed[0]) if listed else ""
        ),
    }


def withdrawal_notice(request, model, pk: int):
    """The 410 page of a withdrawn entry, or None when ``pk`` is no withdrawn entry of ``model``.

    The notice names the entry as it was last published (its last version), never as stored.
    """
    if not model.objects.withdrawn().filter(pk=pk).exists():
        return None
    withdrawal = Withdrawal.objects.for_object(model, pk).select_related("last_version").first()
    last_version = withdrawal.last_version if withdrawal else None
    context = {
        "withdrawal": withdrawal,
        "entry": rebuild([last_version])[0] if last_version else None,
        "kind": model._meta.model_name,
    }
    return render(request, "tracker/withdrawn.html", context, status=410)


class GoneWhenWithdrawn:
    """A withdrawn entry's page answers 410 Gone with its public withdrawal notice."""

    model = None

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            notice = withdrawal_notice(request, self.model, kwargs["pk"])
            if notice is None:
                raise
            return notice


def statistics_for_tables():
    """Public figures with everything the figure tables show, joined."""
    return statistics_for_listing(Statistic.objects.public())


class HomeView(TemplateView):
    template_name = "tracker/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["latest_claims"] = (
            Claim.objects.public()
            .select_related("location")
            .prefetch_related("categories")
            .order_by("-published_at", "-pk")[:6]
        )
        latest_of_indicator = (
            Statistic.objects.public()
            .filter(indicator=OuterRef("indicator"))
            .order_by("-as_of", "-pk")
            .values("pk")[:1]
        )
        context["headline_figures"] = (
            Statistic.objects.public()
            .filter(pk=Subquery(latest_of_indicator))
            .select_related("indicator", "organization", "source__organization")
            .order_by("-as_of", "-pk")[:4]
        )
        return context


class MethodologyView(TemplateView):
    template_name = "tracker/methodology.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        definitions = VerificationGrade.definitions()
        context["grades"] = [
            (grade, grade.label, definitions[grade]) for grade in VerificationGrade
        ]
        context["reliability_scale"] = Organization.Reliability.choices
        return context


class ClaimListView(FilteredListView):
    template_name = "tracker/claim_list.html"
    context_object_name = "claims"
    public_list = LISTS["claims"]


class StatisticListView(FilteredListView):
    template_name = "tracker/statistic_list.html"
    context_object_name = "statistics"
    public_list = LISTS["statistics"]


class SourceListView(FilteredListView):
    template_name = "tracker/source_list.html"
    context_object_name = "sources"
    public_list = LISTS["sources"]


class OrganizationListView(FilteredListView):
    template_name = "tracker/organization_list.html"
    context_object_name = "organizations"
    public_list = LISTS["organizations"]


class LocationListView(FilteredListView):
    template_name = "tracker/location_list.html"
    context_object_name = "locations"
    public_list = LISTS["places"]


class ClaimDetailView(GoneWhenWithdrawn, DetailView):
    model = Claim
    template_name = "tracker/claim_detail.html"
    context_object_name = "claim"

    def get_queryset(self):
        return Claim.objects.public().select_related("location")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        claim = self.object

        def with_relations() -> Claim:
            prefetch_related_objects(
                [claim], "categories", "tags", Prefetch("citations", public_citations())
            )
            return claim

        # The page's body is cached per public-data version (see the template): the relations,
        # the grade history and the related figures are only queried when it is rendered.
        context["claim"] = SimpleLazyObject(with_relations)
        context["public_version"] = public_version(self.get_queryset().db)
        context["today"] = timezone.localdate().isoformat()
        # Only what the public may know of each change: when, from, to and why; never who.
        context["grade_changes"] = (
            history(claim)
            .filter(kind=ModerationEvent.Kind.VERIFICATION)
            .values("created_at", "from_value", "to_value", "comment", "comment_es")
        )
        related = Q(indicator__category__in=Category.objects.filter(claims=claim).values("pk"))
        if claim.location_id:
            related |= Q(location=claim.location_id)
        context["related_figures"] = (
            statistics_for_tables().filter(related).order_by("indicator__name", "as_of", "pk")[:20]
        )
        context["permanent_url"] = permanent_url(self.request, claim)
        context.update(versions_context(self.request, Claim, claim.pk))
        return context


class StatisticDetailView(GoneWhenWithdrawn, DetailView):
    model = Statistic
    template_name = "tracker/statistic_detail.html"
    context_object_name = "statistic"

    def get_queryset(self):
        return statistics_for_tables()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["permanent_url"] = permanent_url(self.request, self.object)
        context.update(versions_context(self.request, Statistic, self.object.pk))
        return context


class EntryVersionView(TemplateView):
    """One published version of an entry, as the public saw it, at its own address."""

    model = None
    template_name = "tracker/entry_version.html"

    def get(self, request, pk: int, number: int):
        if not self.model.objects.public().filter(pk=pk).exists():
            versions = PublishedVersion.objects.for_object(self.model, pk)
            if versions.filter(number=number).exists():
                notice = withdrawal_notice(request, self.model, pk)
                if notice is not None:
                    return notice
            raise Http404
        versions = list(PublishedVersion.objects.for_object(self.model, pk).order_by("-number"))
        version = next((v for v in versions if v.number == number), None)
        if version is None:
            raise Http404
        entry = rebuild([version])[0]
        name = self.model._meta.model_name
        context = {
            name: entry,
            "entry": entry,
            "kind": name,
            "body_template": f"tracker/includes/{name}_body.html",
            "version": version,
            "current": versions[0],
            "versions": versions,
            # What the public read with this version: its correction and the earlier ones.
            "corrections": [v for v in versions if v.is_correction and v.number <= number],
            "version_url": permanent_url(request, version),
            "permanent_url": permanent_url(request, entry),
        }
        return self.render_to_response(context)


class IndicatorDetailView(DetailView):
    template_name = "tracker/indicator_detail.html"
    context_object_name = "indicator"

    def get_queryset(self):
        return Indicator.objects.public()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        indicator = self.object

        def render_figures() -> tuple[bool, str]:
            statistics = list(
                statistics_for_tables()
                .filter(indicator=indicator)
                .order_by("organization__name", "as_of", "pk")
            )
            html = render_to_string(
                "tracker/includes/indicator_figures.html",
                {
                    "indicator": indicator,
                    "statistics": sorted(statistics, key=lambda s: (s.as_of, s.pk)),
                    "chart_data": chart_series(statistics),
                    "qualifiers": Qualifier,
                },
                request=self.request,
            )
            return bool(statistics), html

        # The figures (hundreds of rows at scale) change only with the public data: render
        # them once per public-data version and language.
        has_statistics, html = get_or_compute(
            "indicator-figures",
            public_version(self.get_queryset().db),
            (str(indicator.pk), get_language() or ""),
            render_figures,
        )
        context["has_statistics"] = has_statistics
        context["figures_html"] = mark_safe(html)  # rendered by our own template, escaped there
        return context


def chart_series(statistics: list[Statistic]) -> list[dict]:
    """One series per organisation, for the chart: points carry their qualifier and bounds."""
    series: dict[int, dict] = {}
    for statistic in statistics:
        entry = series.setdefault(
            statistic.organization_id,
            {"label": str(statistic.organization.localized_name), "points": []},
        )
        entry["points"].append(
            {
                "x": statistic.as_of.isoformat(),
                "date": statistic.as_of_display,
                "y": float(statistic.value),
                "high": float(statistic.value_high) if statistic.value_high is not None else None,
                "qualifier": statistic.qualifier,
                "text": statistic.value_display,
            }
        )
    return list(series.values())


class LocationDetailView(DetailView):
    template_name = "tracker/location_detail.html"
    context_object_name = "location"

    def get_queryset(self):
        return Location.objects.public()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["claims"] = (
            Claim.objects.public()
            .filter(location=self.object)
            .select_related("location")
            .prefetch_related("categories")
        )
        context["statistics"] = (
            statistics_for_tables()
            .filter(location=self.object)
            .order_by("indicator__name", "as_of", "pk")
        )
        return context


class OrganizationDetailView(DetailView):
    template_name = "tracker/organization_detail.html"
    context_object_name = "organization"

    def get_queryset(self):
        return Organization.objects.public()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sources"] = (
            Source.objects.public()
            .filter(organization=self.object)
            .prefetch_related(
                Prefetch(
                    "citations",
                    Citation.objects.public().select_related("claim").order_by("stance", "pk"),
                    to_attr="public_citations",
                ),
                Prefetch(
                    "statistics",
                    Statistic.objects.public().select_related("indicator").order_by("as_of"),
                    to_attr="public_statistics",
                ),
            )
        )
        context["statistics"] = (
            statistics_for_tables().filter(organization=self.object).order_by("as_of", "pk")
        )
        return context


class SourceDetailView(DetailView):
    template_name = "tracker/source_detail.html"
    context_object_name = "source"

    def get_queryset(self):
        return Source.objects.public().select_related("organization")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["citations"] = (
            Citation.objects.public().filter(source=self.object).select_related("claim")
        )
        context["permanent_url"] = permanent_url(self.request, self.object)
        context["statistics"] = (
            Statistic.objects.public().filter(source=self.object).select_related("indicator")
        )
        return context
