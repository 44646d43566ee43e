"""Atom feeds: newly published claims (filtered like the list) and new figures per indicator."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from tracker.filters import ClaimFilter
from tracker.models import Indicator, Statistic
from tracker.serializers import CONFIDENTIAL_SOURCE

FEED_LENGTH = 50


class LocalizedFeed(Feed):
    """Links point at the pages in the default language, whatever the reader's browser says."""

    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return super().__call__(request, *args, **kwargs)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        # Atom requires <updated> on every entry; an entry always has its last change time.
        return item.updated_at


class NewClaimsFeed(LocalizedFeed):
    title = _("Newly published claims")
    subtitle = _("Claims published on the human-rights claim tracker, newest first.")

    def get_object(self, request):
        self.filterset = ClaimFilter(request.GET)
        return None

    def link(self):
        return reverse("public:claim_list")

    def items(self):
        return self.filterset.qs.prefetch_related("categories").order_by("-published_at", "-pk")[
            :FEED_LENGTH
        ]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_categories(self, item):
        return [category.name for category in item.categories.all()]


class IndicatorFiguresFeed(LocalizedFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Indicator.objects.public(), slug=slug)

    def title(self, indicator):
        return _("New figures: %(indicator)s") % {"indicator": indicator.name}

    def subtitle(self, indicator):
        return indicator.description or indicator.name

    def link(self, indicator):
        return indicator.get_absolute_url()

    def items(self, indicator):
        return (
            Statistic.objects.public()
            .filter(indicator=indicator)
            .select_related("indicator", "organization", "source")
            .order_by("-published_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return f"{item.value_display} {item.indicator.unit} ({item.as_of_display})"

    def item_description(self, item):
        source = CONFIDENTIAL_SOURCE if item.source.confidential else item.source.title
        return _("Reported by %(organization)s. Source: %(source)s. %(note)s") % {
            "organization": item.organization.name,
            "source": source,
            "note": item.note,
        }
