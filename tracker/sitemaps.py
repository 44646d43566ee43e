"""sitemap.xml: the public pages only, each with its alternates in every language."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from tracker.models import Claim, Indicator, Location, Organization, Person, Source, Statistic


class PublicSitemap(Sitemap):
    """Every page in each language, with its alternates. No x-default: the address without a
    language only redirects to one."""

    i18n = True
    alternates = True


class HomeSitemap(PublicSitemap):
    def items(self):
        return [
            "public:home",
            "public:claim_list",
            "public:person_list",
            "public:statistic_list",
            "public:location_list",
            "public:organization_list",
            "public:source_list",
            "public:methodology",
            "open_data",
        ]

    def location(self, item):
        return reverse(item)


class ClaimSitemap(PublicSitemap):
    def items(self):
        return Claim.objects.public().order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class StatisticSitemap(PublicSitemap):
    def items(self):
        return Statistic.objects.public().order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class IndicatorSitemap(PublicSitemap):
    def items(self):
        return Indicator.objects.public().order_by("pk")


class LocationSitemap(PublicSitemap):
    def items(self):
        return Location.objects.public().order_by("pk")


class OrganizationSitemap(PublicSitemap):
    def items(self):
        return Organization.objects.public().order_by("pk")


class SourceSitemap(PublicSitemap):
    def items(self):
        return Source.objects.public().order_by("pk")


class PersonSitemap(PublicSitemap):
    """Listed person records only: a counted-only record has no page."""

    def items(self):
        return Person.objects.listed().order_by("pk")

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "pages": HomeSitemap,
    "claims": ClaimSitemap,
    "statistics": StatisticSitemap,
    "indicators": IndicatorSitemap,
    "places": LocationSitemap,
    "organizations": OrganizationSitemap,
    "sources": SourceSitemap,
    "people": PersonSitemap,
}
