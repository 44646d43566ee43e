"""The public pages every browser test may visit, by name, in a given language."""

from django.urls import reverse
from django.utils import translation

from tracker.models import Claim

CECOT = "cecot"
DEATHS_IN_CUSTODY = "deaths-in-state-custody-el-salvador-state-of-exception"
DEPORTATION_CLAIM = "venezuelans-deported-by-the-united-states-held-at-cecot"

PUBLIC_PAGES = (
    "home",
    "claim_list",
    "claim_list_filtered",
    "statistic_list_filtered",
    "claim",
    "claim_version",
    "place",
    "indicator",
    "tip_form",
    "login",
)
# Filtered views with active filter chips, results and facets.
CLAIM_FILTERS = "?q=CECOT&grade=unverified&country=SV"
STATISTIC_FILTERS = f"?indicator={DEATHS_IN_CUSTODY}&organization=socorro-juridico-humanitario"


def page_path(name: str, language: str) -> str:
    """The path of a page of the demo data, e.g. ``page_path("place", "es")``."""
    with translation.override(language):
        if name == "home":
            return reverse("public:home")
        if name == "claim_list":
            return reverse("public:claim_list")
        if name == "claim_list_filtered":
            return reverse("public:claim_list") + CLAIM_FILTERS
        if name == "statistic_list_filtered":
            return reverse("public:statistic_list") + STATISTIC_FILTERS
        if name == "tip_form":
            return reverse("tips:report")
        if name == "claim":
            return Claim.objects.get(slug=DEPORTATION_CLAIM).get_absolute_url()
        if name == "claim_version":
            claim = Claim.objects.get(slug=DEPORTATION_CLAIM)
            return reverse("public:claim_version", kwargs={"pk": claim.pk, "number": 1})
        if name == "place":
            return reverse("public:location_detail", kwargs={"slug": CECOT})
        if name == "indicator":
            return reverse("public:indicator_detail", kwargs={"slug": DEATHS_IN_CUSTODY})
        if name == "login":
            return reverse("login")
    raise ValueError(f"Unknown page {name!r}")


STAFF_PAGES = (
    "workspace",
    "claim_form",
    "claim_edit_form",
    "claim_entry",
    "review_queue",
    "claim_review",
)


def staff_page_path(name: str, language: str, claim: Claim | None = None) -> str:
    """The path of a staff page; the edit and review pages are about ``claim``."""
    with translation.override(language):
        if name == "workspace":
            return reverse("workspace:home")
        if name == "claim_form":
            return reverse("workspace:claim_create")
        if name == "claim_edit_form":
            return reverse("workspace:claim_edit", kwargs={"pk": claim.pk})
        if name == "claim_entry":
            return reverse("workspace:claim_detail", kwargs={"pk": claim.pk})
        if name == "review_queue":
            return reverse("review:queue")
        if name == "claim_review":
            return reverse("review:claim", kwargs={"pk": claim.pk})
    raise ValueError(f"Unknown page {name!r}")
