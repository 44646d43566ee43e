"""Public pages. Every queryset here starts from a model's ``public()``."""

import sys
from functools import partial

from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import DetailView, RedirectView, TemplateView

from tracker.citing import Citations, reference_of
from tracker.documented import cached_documented
from tracker.filters import NEWEST_EVENT_FIRST, NEWEST_PUBLISHED_FIRST
from tracker.indicators import PAGE_SIZE as FIGURES_PAGE_SIZE
from tracker.indicators import indicator_figures
from tracker.lists import (
    LISTS,
    STATISTIC_LIST_COLUMNS,
    claims_for_page,
    public_citations,
    statistics_for_listing,
)
from tracker.maps import claim_views_context, place_map_context
from tracker.models import (
    Citation,
    Claim,
    Indicator,
    Location,
    ModerationEvent,
    Organization,
    PublishedVersion,
    Source,
    Statistic,
    VerificationGrade,
    Withdrawal,
)
from tracker.paging import page_number
from tracker.public_cache import get_or_compute, public_version
from tracker.snapshots import rebuild
from tracker.templatetags.tracker_tags import with_figure_relations
from tracker.timeline import claim_timeline
from tracker.views.listing import FilteredListView, LazyRows
from tracker.workflow import history


def permanent_url(request, entry) -> str:
    """The entry's (or version's) address without the language prefix: it redirects to the
    reader's language."""
    path = entry.get_absolute_url()
    prefix = f"/{get_language()}/"
    if path.startswith(prefix):
        path = path[len(prefix) - 1 :]
    return request.build_absolute_uri(path)


def cite_files(kind: str, pk: int) -> dict[str, str]:
    """The addresses of an entry's reference as BibTeX and CSL-JSON files."""
    return {
        style: reverse(f"public:{kind}_cite_{style}", kwargs={"pk": pk})
        for style in ("bibtex", "csl")
    }


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


# The figures list's order (newest first), for the figures shown newest first elsewhere.
FIGURES_ORDER = LISTS["statistics"].filterset_class.ordering


def statistics_for_tables():
    """Public figures with everything the figure tables show, joined."""
    return statistics_for_listing(Statistic.objects.public())


class HomeView(TemplateView):
    template_name = "tracker/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["latest_claims"] = claims_for_page(Claim.objects.public()).order_by(
            *NEWEST_PUBLISHED_FIRST
        )[:6]
        context["headline_figures"] = headline_figures()
        return context


HEADLINE_FIGURES = 4


def headline_figures() -> list[Statistic]:
    """The latest public figure of the featured indicators, then of those with the most public
    figures: what the tracker is most about, not whatever was entered last."""
    figures = Statistic.objects.public()
    ranked = list(
        Indicator.objects.public()
        .annotate(figure_count=Count("statistics", filter=Q(statistics__in=figures)))
        .order_by("-featured", "-figure_count", "name")
        .values_list("pk", flat=True)[:HEADLINE_FIGURES]
    )
    order = {pk: position for position, pk in enumerate(ranked)}
    latest_of_indicator = (
        figures.filter(indicator=OuterRef("indicator")).order_by(*FIGURES_ORDER).values("pk")[:1]
    )
    latest = figures.filter(indicator__in=order, pk=Subquery(latest_of_indicator)).select_related(
        "indicator", "organization", "source__organization"
    )
    return sorted(latest, key=lambda figure: order[figure.indicator_id])


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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["timeline"] = claim_timeline(self.filterset, self.request.GET, self._version)
        context.update(claim_views_context(self.request.GET))
        return context


class StatisticListView(FilteredListView):
    template_name = "tracker/statistic_list.html"
    context_object_name = "statistics"
    public_list = LISTS["statistics"]

    def get_context_data(self, **kwargs):
        return super().get_context_data(figure_columns=STATISTIC_LIST_COLUMNS, **kwargs)


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


# The columns of the claim page's table of related figures.
RELATED_FIGURE_COLUMNS = "indicator figure as_of reported_by"
# The columns of an indicator's figures table: its figures are joined to what these read.
INDICATOR_FIGURE_COLUMNS = "as_of reported_by figure qualifier source grade"


def related_figures(claim: Claim, limit: int = 20) -> list[Statistic]:
    """The newest published figures (``limit`` at most) of the indicators of the claim's
    categories and of the claim's place.

    Each side is read on its own, newest first, by an index, and stops at ``limit`` rows; one
    statement for both (an OR over the two) read and sorted every figure of a busy place.
    """
    newest = with_figure_relations(Statistic.objects.public(), RELATED_FIGURE_COLUMNS).order_by(
        *FIGURES_ORDER
    )
    indicators = list(
        Indicator.objects.filter(
            category__in=[category.pk for category in claim.categories.all()]
        ).values_list("pk", flat=True)
    )
    found = {}
    if indicators:
        found.update((f.pk, f) for f in newest.filter(indicator__in=indicators)[:limit])
    if claim.location_id:
        found.update((f.pk, f) for f in newest.filter(location=claim.location_id)[:limit])
    return sorted(found.values(), key=lambda figure: (figure.as_of, figure.pk), reverse=True)[
        :limit
    ]


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
        context["related_figures"] = related = LazyRows(partial(related_figures, context["claim"]))
        context["related_figure_columns"] = RELATED_FIGURE_COLUMNS

        def tied_indicators() -> list:
            """The indicators of the claim's kinds of violation among its related figures (read
            with them, no query of their own), linked from under its summary."""
            kinds = {category.pk for category in claim.categories.all()}
            tied = {
                figure.indicator.pk: figure.indicator
                for figure in related
                if figure.indicator.category_id in kinds
            }
            return list(tied.values())

        context["tied_indicators"] = tied_indicators
        context["permanent_url"] = permanent_url(self.request, claim)
        context["citations"] = Citations(reference_of(claim, context["permanent_url"]))
        context["cite_files"] = cite_files("claim", claim.pk)
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
        context["citations"] = Citations(reference_of(self.object, context["permanent_url"]))
        context["cite_files"] = cite_files("statistic", self.object.pk)
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
        return Indicator.objects.public().select_related("register_place")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        indicator = self.object
        raw_page = self.request.GET.get("page")
        number, notice = page_number(raw_page, sys.maxsize)
        shown = {"number": number, "notice": ""}

        def render_figures() -> tuple[str, int]:
            figures = indicator_figures(
                with_figure_relations(Statistic.objects.public(), INDICATOR_FIGURE_COLUMNS).filter(
                    indicator=indicator
                ),
                raw_page,
            )
            shown.update(number=figures.page.number, notice=figures.notice)
            html = render_to_string(
                "tracker/includes/indicator_figures.html",
                {
                    "indicator": indicator,
                    "figures": figures,
                    "summary": figures.summary,
                    "chart": figures.chart,
                    "chart_data": figures.chart.series,
                    "columns": INDICATOR_FIGURE_COLUMNS,
                },
                request=self.request,
            )
            return html, figures.summary.count if figures.summary else 0

        # The figures change only with the public data: each page of them is rendered once per
        # public-data version and language. A page number past the last shows the last page
        # and is not kept under its own number.
        version = public_version(self.get_queryset().db)
        html, count = get_or_compute(
            "indicator-figures",
            version,
            (str(indicator.pk), get_language() or "", str(number)),
            render_figures,
            keep=lambda _value: shown["number"] == number,
        )
        # The page links are the reader's own query string: outside the cached fragment.
        paginator = Paginator(range(count), FIGURES_PAGE_SIZE)
        page = paginator.page(shown["number"])
        documented = cached_documented(indicator, version)
        context.update(
            documented=documented,
            register_series=(
                dict(documented.series(), label=_("Documented in the register"))
                if documented and documented.months
                else None
            ),
            has_statistics=bool(count),
            figures_html=mark_safe(html),  # rendered by our own template, escaped there
            paginator=paginator,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            notices=[text for text in (notice, shown["notice"]) if text],
            # This indicator's figures as the figures list exports them.
            export_urls=LISTS["statistics"].export_urls(urlencode({"indicator": indicator.slug})),
        )
        return context


class LocationDetailView(DetailView):
    """A place, with the claims and figures located at it or at places within it."""

    template_name = "tracker/location_detail.html"
    context_object_name = "location"
    claims_shown = 25

    def get_queryset(self):
        return Location.objects.public().select_related("parent__parent__parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        location = self.object
        places = Location.objects.within([location.pk]).values("pk")
        claims = Claim.objects.public().filter(location__in=places)
        shown = list(claims_for_page(claims).order_by(*NEWEST_EVENT_FIRST)[: self.claims_shown + 1])
        # Counted only when there are more than the page shows (a country at scale).
        more = len(shown) > self.claims_shown
        context["claim_count"] = claims.count() if more else len(shown)
        context["claims"] = shown[: self.claims_shown]
        context.update(place_map_context(location, context["claim_count"]))
        context["statistics"] = (
            statistics_for_tables()
            .filter(location__in=places)
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


class FaviconView(RedirectView):
    """/favicon.ico, which browsers ask for when a page names no icon: the site's icon."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.svg")
