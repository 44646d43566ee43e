"""FilterSets. The review queue's filters apply alike to claims, figures and revisions."""

import datetime

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.models import Organization


class ReviewQueueFilter(django_filters.FilterSet):
    """Filter the review queue by type, organisation and age; ``apply`` runs it per model."""

    TYPES = [("claim", _("Claims")), ("statistic", _("Figures")), ("revision", _("Revisions"))]
    AGES = [("1", _("waiting over a day")), ("7", _("over a week")), ("30", _("over a month"))]

    type = django_filters.ChoiceFilter(label=_("type"), choices=TYPES, method="keep")
    organization = django_filters.ModelChoiceFilter(
        label=_("organisation"), queryset=Organization.objects.order_by("name"), method="keep"
    )
    age = django_filters.ChoiceFilter(label=_("age"), choices=AGES, method="keep")

    def keep(self, queryset, name, value):
        return queryset

    def wants(self, kind: str) -> bool:
        chosen = self.form.cleaned_data.get("type") if self.is_valid() else None
        return not chosen or chosen == kind

    def apply(self, queryset, *, organization_path: str | None, date_field: str):
        """Narrow one model's queue by organisation and age."""
        if not self.is_valid():
            return queryset
        organization = self.form.cleaned_data.get("organization")
        if organization is not None:
            if organization_path is None:
                return queryset.none()
            queryset = queryset.filter(**{organization_path: organization}).distinct()
        age = self.form.cleaned_data.get("age")
        if age:
            cutoff = timezone.now() - datetime.timedelta(days=int(age))
            queryset = queryset.filter(**{f"{date_field}__lte": cutoff})
        return queryset
