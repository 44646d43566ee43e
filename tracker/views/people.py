"""The register of people: its public list and pages, and the reviewers' pages for it.

Public pages start from ``Person.objects.listed()`` and show a record through its public shape
(``PersonSerializer``'s rule, ``Person.public_name``): an anonymous record never shows a name
or an identifier, a counted-only one has no page. The staff pages show everything, to
reviewers only.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, TemplateView

from tracker import workflow
from tracker.forms import LinkDecisionForm
from tracker.lists import LISTS, public_person_reports
from tracker.models import Claim, LinkProposal, Person, PersonSource
from tracker.paging import page_number
from tracker.views.listing import FilteredListView
from tracker.views.mixins import ReviewerRequiredMixin
from tracker.views.public import permanent_url
from tracker.views.review import EntryReviewView


class PersonListView(FilteredListView):
    template_name = "tracker/person_list.html"
    context_object_name = "people"
    public_list = LISTS["people"]


class PersonDetailView(DetailView):
    """One listed record with its sources, and the sources of the records of the same person."""

    template_name = "tracker/person_detail.html"
    context_object_name = "person"

    def get_queryset(self):
        return Person.objects.listed().select_related("place")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        # Every published record of the person (this one and those linked to it) keeps its
        # sources; the record's own privacy level, shared by linked records, decides the rest.
        records = Person.objects.public().filter(pk=person.pk) | Person.objects.public().filter(
            same_as=person.pk
        )
        context.update(
            reports=list(
                public_person_reports()
                .filter(person__in=records.values("pk"))
                .select_related("person")
            ),
            claims=list(Claim.objects.public().filter(people=person).order_by("pk")),
            permanent_url=permanent_url(self.request, person),
        )
        return context


# --- Reviewers ----------------------------------------------------------------------------------


class PeopleReviewView(ReviewerRequiredMixin, TemplateView):
    """Person records awaiting review, and the proposed links between records."""

    template_name = "tracker/review/people.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("links", LinkProposal.Status.PROPOSED)
        if status not in LinkProposal.Status.values:
            status = LinkProposal.Status.PROPOSED
        proposals = LinkProposal.objects.filter(status=status).select_related(
            "left__place", "right__place", "decided_by"
        )
        paginator = Paginator(proposals, self.paginate_by)
        number, notice = page_number(self.request.GET.get("page"), paginator.num_pages)
        page = paginator.page(number)
        reviewer = self.request.user
        context.update(
            awaiting=Person.objects.awaiting_review().select_related("created_by").order_by("pk"),
            decidable=set(
                Person.objects.awaiting_review().decidable_by(reviewer).values_list("pk", flat=True)
            ),
            # Each proposal with the decisions it takes now (none once decided).
            proposals=[
                (proposal, workflow.allowed_link_actions(proposal)) for proposal in page.object_list
            ],
            page_obj=page,
            paginator=paginator,
            is_paginated=page.has_other_pages(),
            notices=[notice] if notice else [],
            link_status=status,
            link_statuses=LinkProposal.Status.choices,
            form=LinkDecisionForm(),
        )
        return context


class LinkDecisionView(ReviewerRequiredMixin, View):
    """Confirm, reject or undo a proposed link (POST only), then back to the list."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        proposal = get_object_or_404(LinkProposal, pk=pk)
        form = LinkDecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a decision."))
        else:
            decide = getattr(workflow, form.cleaned_data["action"])
            try:
                decide(proposal, by=request.user, comment=form.cleaned_data["comment"])
            except workflow.TransitionRefused as refused:
                messages.error(request, refused.message)
            else:
                messages.success(request, _("Decision recorded."))
        return HttpResponseRedirect(reverse("review:people"))


class PersonReviewView(EntryReviewView):
    """A person record as the public will read it, beside everything staff know of it."""

    model = Person
    template_name = "tracker/review/person.html"

    def get_queryset(self):
        return Person.objects.select_related(
            "place", "created_by", "last_edited_by", "same_as"
        ).prefetch_related(
            Prefetch("reports", PersonSource.objects.select_related("source").order_by("pk")),
            "claims",
        )

    def history_url(self, entry) -> str:
        # The audit history of a person record, with its identifiers: the admin's, for staff.
        return reverse("admin:tracker_person_history", args=[entry.pk])

    def after_decision_url(self, entry) -> str:
        messages.success(self.request, _("Decision recorded."))
        return reverse("review:people")
