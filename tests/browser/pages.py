"""The public pages every browser test may visit, by name, in a given language."""

from django.urls import reverse
from django.utils import translation

from tracker.models import Claim

CECOT = "cecot"
DEATHS_IN_CUSTODY = "deaths-in-state-custody-el-salvador-state-of-exception"
DEPORTATION_CLAIM = "venezuelans-deported-by-the-united-states-held-at-cecot"

PUBLIC_PAGES = ("home", "claim_list", "claim", "place", "indicator", "login")


def page_path(name: str, language: str) -> str:
    """The path of a page of the demo data, e.g. ``page_path("place", "es")``."""
    with translation.override(language):
        if name == "home":
            return reverse("public:home")
        if name == "claim_list":
            return reverse("public:claim_list")
        if name == "claim":
            return Claim.objects.get(slug=DEPORTATION_CLAIM).get_absolute_url()
        if name == "place":
            return reverse("public:location_detail", kwargs={"slug": CECOT})
        if name == "indicator":
            return reverse("public:indicator_detail", kwargs={"slug": DEATHS_IN_CUSTODY})
        if name == "login":
            return reverse("login")
    raise ValueError(f"Unknown page {name!r}")
