"""Atom feeds: newly published claims (filtered like the list), new figures per indicator, and
the corrections and withdrawals of published entries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from tracker.data_license import data_license
from tracker.filters import NEWEST_PUBLISHED_FIRST
from tracker.lists import LISTS
from tracker.models import Indicator, PublishedVersion, Withdrawal
from tracker.snapshots import rebuild
from tracker.templatetags.claimreview import publisher_name

FEED_LENGTH = 50


def feed_language(request) -> str:
    """``?lang=es`` gives a feed in Spanish (its texts where translated, links to the Spanish
    pages); otherwise it is in the default language, whatever the reader's browser says."""
    language = request.GET.get("lang", "")
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def claim_title(entry) -> str:
    """A claim by its title in the feed's language, a figure by its own words."""
    return entry.localized("title") if hasattr(entry, "title") else str(entry)


class LocalizedFeed(Feed):
    """Texts and links in the feed's language (``feed_language``). The publisher is the author
    of the feed and so of every entry (RFC 4287, 4.1.1)."""

    feed_type = Atom1Feed

    def author_name(self):
        return publisher_name()

    def author_link(self):
        return self.request.build_absolute_uri(reverse("public:home"))

    def feed_copyright(self):
        """The feed's ``<rights>``: the data's licence."""
        terms = data_license()
        return f"{terms['name']}: {terms['url']}"

    def get_feed(self, obj, request):
        self.request = request
        return super().get_feed(obj, request)

    def __call__(self, request, *args, **kwargs):
        with translation.override(feed_language(request)):
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
        self.filterset = LISTS["claims"].filterset(request.GET)
        return None

    def link(self):
        return reverse("public:claim_list")

    def items(self):
        return self.filterset.qs.prefetch_related("categories").order_by(*NEWEST_PUBLISHED_FIRST)[
            :FEED_LENGTH
        ]

    def item_title(self, item):
        return item.localized("title")

    def item_description(self, item):
        return item.localized("summary")

    def item_categories(self, item):
        return [category.localized_name for category in item.categories.all()]


class IndicatorFiguresFeed(LocalizedFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Indicator.objects.public(), slug=slug)

    def title(self, indicator):
        return _("New figures: %(indicator)s") % {"indicator": indicator.localized_name}

    def subtitle(self, indicator):
        return indicator.localized("description") or indicator.localized_name

    def link(self, indicator):
        return indicator.get_absolute_url()

    def items(self, indicator):
        figures = LISTS["statistics"]
        return figures.listing(figures.all_public().filter(indicator=indicator)).order_by(
            *NEWEST_PUBLISHED_FIRST
        )[:FEED_LENGTH]

    def item_title(self, item):
        return f"{item.value_display} {item.indicator.localized_unit} ({item.as_of_display})"

    def item_description(self, item):
        return _("Reported by %(organization)s. Source: %(source)s. %(note)s") % {
            "organization": item.organization.localized_name,
            "source": item.source.public_title,
            "note": item.localized("note"),
        }


@dataclass(frozen=True)
class PublicNotice:
    """One item of the corrections feed: a correction or a withdrawal."""

    title: str
    note: str
    link: str
    date: datetime.datetime


class CorrectionsFeed(LocalizedFeed):
    """Every correction of a published entry (with its note and the corrected version) and
    every withdrawal (with its public reason and its notice), newest first.

    The only output that still names withdrawn entries: as they were last published.
    """

    title = _("Corrections and withdrawals")
    subtitle = _(
        "Corrections of published claims and figures, and entries withdrawn from the "
        "human-rights claim tracker, newest first."
    )

    def link(self):
        return reverse("public:claim_list")

    def items(self):
        corrections = list(
            PublishedVersion.objects.corrections().order_by("-published_at", "-pk")[:FEED_LENGTH]
        )
        withdrawals = list(
            Withdrawal.objects.select_related("last_version").order_by("-withdrawn_at", "-pk")[
                :FEED_LENGTH
            ]
        )
        rebuild(corrections + [w.last_version for w in withdrawals if w.last_version])
        notices = [
            PublicNotice(
                title=_("Corrected: %(entry)s") % {"entry": claim_title(version.as_published)},
                note=version.localized("correction_note"),
                link=version.get_absolute_url(),
                date=version.published_at,
            )
            for version in corrections
        ] + [
            PublicNotice(
                title=_("Withdrawn: %(entry)s")
                % {
                    "entry": claim_title(w.last_version.as_published)
                    if w.last_version
                    else _("an entry")
                },
                note=w.localized("public_note"),
                link=w.get_absolute_url(),
                date=w.withdrawn_at,
            )
            for w in withdrawals
        ]
        notices.sort(key=lambda notice: notice.date, reverse=True)
        return notices[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.note

    def item_link(self, item):
        return item.link

    def item_pubdate(self, item):
        return item.date

    def item_updateddate(self, item):
        return item.date
