"""Public pages. Every queryset here starts from a model's ``public()``."""

from django.db.models import OuterRef, Prefetch, Subquery
from django.views.generic import DetailView, ListView, TemplateView

from tracker.models import (
    Citation,
    Claim,
    Indicator,
    Location,
    Organization,
    Source,
    Statistic,
)
from tracker.moderation import history


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
            .select_related("indicator", "organization")
            .order_by("-as_of", "-pk")[:4]
        )
        return context


class ClaimListView(ListView):
    template_name = "tracker/claim_list.html"
    context_object_name = "claims"
    paginate_by = 25

    def get_queryset(self):
        return (
            Claim.objects.public()
            .select_related("location")
            .prefetch_related("categories")
            .order_by("-event_start", "-pk")
        )


def public_citations():
    return Citation.objects.public().select_related("source__organization").order_by("pk")


class ClaimDetailView(DetailView):
    template_name = "tracker/claim_detail.html"
    context_object_name = "claim"

    def get_queryset(self):
        return (
            Claim.objects.public()
            .select_related("location")
            .prefetch_related("categories", "tags", Prefetch("citations", public_citations()))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["grade_changes"] = [
            event for event in history(self.object) if event.kind == "verification"
        ]
        return context


class StatisticDetailView(DetailView):
    template_name = "tracker/statistic_detail.html"
    context_object_name = "statistic"

    def get_queryset(self):
        return Statistic.objects.public().select_related(
            "indicator", "organization", "source__organization", "location"
        )


class IndicatorDetailView(DetailView):
    template_name = "tracker/indicator_detail.html"
    context_object_name = "indicator"

    def get_queryset(self):
        return Indicator.objects.public()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statistics"] = (
            Statistic.objects.public()
            .filter(indicator=self.object)
            .select_related("organization", "source__organization", "location")
            .order_by("as_of", "pk")
        )
        return context


class LocationDetailView(DetailView):
    template_name = "tracker/location_detail.html"
    context_object_name = "location"

    def get_queryset(self):
        return Location.objects.public()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["claims"] = (
            Claim.objects.public().filter(location=self.object).prefetch_related("categories")
        )
        context["statistics"] = (
            Statistic.objects.public()
            .filter(location=self.object)
            .select_related("indicator", "organization", "source__organization")
        )
        return context


class OrganizationDetailView(DetailView):
    template_name = "tracker/organization_detail.html"
    context_object_name = "organization"

    def get_queryset(self):
        return Organization.objects.public()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sources"] = Source.objects.public().filter(organization=self.object)
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
        context["statistics"] = (
            Statistic.objects.public().filter(source=self.object).select_related("indicator")
        )
        return context
