from tracker.models.base import (
    DatePrecision,
    ModerationStatus,
    VerificationGrade,
    format_imprecise_date,
)
from tracker.models.cache import PublicDataVersion
from tracker.models.claims import (
    Citation,
    Claim,
    ClaimSearch,
    PublicClaimCount,
    PublicClaimOrganization,
)
from tracker.models.imports import ImportJob
from tracker.models.moderation import ModerationEvent, Revision, Tip
from tracker.models.people import (
    Certainty,
    LinkProposal,
    Person,
    PersonSource,
    PersonStatus,
    Privacy,
    Sex,
)
from tracker.models.publication import PublishedVersion, Withdrawal
from tracker.models.security import SecurityEvent
from tracker.models.sources import Organization, Source
from tracker.models.statistics import Qualifier, Statistic
from tracker.models.taxonomy import Category, Indicator, Location, Tag

__all__ = [
    "Certainty",
    "LinkProposal",
    "Person",
    "PersonSource",
    "PersonStatus",
    "Privacy",
    "Sex",
    "Category",
    "Citation",
    "Claim",
    "ClaimSearch",
    "DatePrecision",
    "ImportJob",
    "Indicator",
    "Location",
    "ModerationEvent",
    "ModerationStatus",
    "Organization",
    "PublicClaimCount",
    "PublicClaimOrganization",
    "PublicDataVersion",
    "PublishedVersion",
    "Qualifier",
    "Revision",
    "SecurityEvent",
    "Source",
    "Statistic",
    "Tag",
    "Tip",
    "VerificationGrade",
    "Withdrawal",
    "format_imprecise_date",
]
