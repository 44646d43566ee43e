"""schema.org ClaimReview JSON-LD for a claim page with a decided grade."""

from __future__ import annotations

import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from tracker.models import Claim, VerificationGrade
from tracker.serializers import page_url

register = template.Library()

G = VerificationGrade
# schema.org ratings run from worstRating to bestRating; alternateName carries our own grade.
RATINGS = {G.VERIFIED: 5, G.CORROBORATED: 4, G.DISPUTED: 3, G.RETRACTED: 2, G.FALSE: 1}
# The same escapes as django.utils.html.json_script: the JSON can never close the element.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def publisher_name() -> str:
    return getattr(settings, "CLAIMREVIEW_PUBLISHER", "Human-rights claim tracker")


def publisher(request=None) -> dict:
    """The tracker as the schema.org Organization behind its reviews."""
    author = {"@type": "Organization", "name": publisher_name()}
    if request is not None:
        author["url"] = request.build_absolute_uri(reverse("public:home"))
    return author


def claim_review(claim: Claim, request=None) -> dict | None:
    """The ClaimReview of a published claim, or None while its grade is undecided."""
    if claim.verification not in RATINGS:
        return None
    grade = VerificationGrade(claim.verification)
    citations = [c for c in claim.citations.all() if not c.source.confidential]
    title = claim.localized("title")
    item = {"@type": "Claim", "name": title}
    if citations:
        first = citations[0].source
        if first.organization_id:
            item["author"] = {"@type": "Organization", "name": first.organization.localized_name}
        if first.published_on:
            item["datePublished"] = first.published_on.isoformat()
        appearances = [{"@type": "CreativeWork", "url": c.source.url} for c in citations]
        item["appearance"] = [a for a in appearances if a["url"]]
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": request.build_absolute_uri(claim.get_absolute_url())
        if request is not None
        else page_url(claim),
        "claimReviewed": title,
        "inLanguage": title.lang,
        "itemReviewed": item,
        "author": publisher(request),
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATINGS[grade],
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": str(grade.label),
            "ratingExplanation": claim.localized("verification_rationale"),
        },
    }
    if claim.published_at:
        review["datePublished"] = claim.published_at.date().isoformat()
    return review


@register.simple_tag(takes_context=True)
def claimreview_jsonld(context, claim: Claim) -> str:
    """Render the claim's ClaimReview as a JSON-LD data block, or nothing."""
    review = claim_review(claim, context.get("request"))
    if review is None:
        return ""
    data = json.dumps(review, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(data.translate(JSON_SCRIPT_ESCAPES)),
    )
