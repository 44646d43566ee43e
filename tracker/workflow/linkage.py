"""Decisions on the linkage of person records: confirm, reject, undo; and storing proposals.

Only reviewers decide. Each decision is a conditional UPDATE of the proposal (two reviewers
cannot both decide it), an audit-history version of the proposal and of every record it
changes, and a moderation event on both records. Which record stands for a person
(``Person.same_as``) is derived from the confirmed links alone, so undoing one link recomputes
it. Linking never makes a record more public: the records of one person all take the most
protective privacy level among them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker.history import attributed_to, record_snapshot
from tracker.models import LinkProposal, ModerationEvent, Person, Privacy
from tracker.public_cache import bump_public_version
from tracker.workflow.errors import ONLY_REVIEWERS, TransitionRefused
from tracker.workflow.events import history_reason, record_event
from tracker.workflow.permissions import can_review

# From the most protective level to the most open.
PROTECTION_ORDER = (Privacy.COUNTED, Privacy.ANONYMOUS, Privacy.NAMED)

# The decisions a proposal takes in each status, each with the label a reviewer chooses it by;
# a proposal in any other status is decided.
LINK_DECISIONS = {
    LinkProposal.Status.PROPOSED: (
        ("confirm_link", gettext_lazy("Same person: link them")),
        ("reject_link", gettext_lazy("Different people: never propose again")),
    ),
    LinkProposal.Status.CONFIRMED: (("undo_link", gettext_lazy("Undo this link")),),
}


def allowed_link_actions(proposal: LinkProposal) -> tuple[tuple[str, str], ...]:
    """The ``(action, label)`` decisions ``proposal`` takes now; none once it is decided."""
    return LINK_DECISIONS.get(proposal.status, ())


def link_action_choices() -> list[tuple[str, str]]:
    """Every decision on a proposal, as ``(action, label)``, in any status."""
    return [choice for choices in LINK_DECISIONS.values() for choice in choices]


def _statuses_taking(action: str) -> tuple[str, ...]:
    return tuple(
        status
        for status, choices in LINK_DECISIONS.items()
        if action in (name for name, _label in choices)
    )


def can_decide_links(user: AbstractBaseUser | None) -> bool:
    """Reviewers decide whether two records are the same person."""
    return can_review(user)


def _require_decider(by: AbstractBaseUser) -> None:
    if not can_decide_links(by):
        raise TransitionRefused(str(ONLY_REVIEWERS))


def _decide(
    proposal: LinkProposal, *, by: AbstractBaseUser, sources: tuple[str, ...], target: str, comment
) -> LinkProposal:
    if proposal.status not in sources:
        raise TransitionRefused(
            _("This proposal is “%(status)s”: it cannot be decided that way now.")
            % {"status": proposal.get_status_display()}
        )
    now = timezone.now()
    updated = LinkProposal.objects.filter(pk=proposal.pk, status=proposal.status).update(
        status=target, decided_by=by, decided_at=now, comment=comment
    )
    if not updated:
        raise TransitionRefused(
            _("Someone else decided this proposal in the meantime. Reload it and try again.")
        )
    previous = proposal.status
    proposal.refresh_from_db()
    action = {
        LinkProposal.Status.CONFIRMED: "confirm_link",
        LinkProposal.Status.REJECTED: "reject_link",
        LinkProposal.Status.UNDONE: "undo_link",
    }[target]
    record_snapshot(proposal, by=by, reason=history_reason(action, comment))
    for record, other in ((proposal.left, proposal.right_id), (proposal.right, proposal.left_id)):
        record_event(
            record,
            kind=ModerationEvent.Kind.LINKAGE,
            action=action,
            by=by,
            from_value=previous,
            to_value=target,
            comment=_("With person record #%(pk)s. %(comment)s")
            % {"pk": other, "comment": comment},
        )
    return proposal


@transaction.atomic
def confirm_link(
    proposal: LinkProposal, *, by: AbstractBaseUser, comment: str = ""
) -> LinkProposal:
    """The two records are one person: they count once, and keep all their sources."""
    _require_decider(by)
    proposal = _decide(
        proposal,
        by=by,
        sources=_statuses_taking("confirm_link"),
        target=LinkProposal.Status.CONFIRMED,
        comment=(comment or "").strip(),
    )
    refresh_people([proposal.left_id, proposal.right_id], by=by, reason="confirm_link")
    return proposal


@transaction.atomic
def reject_link(proposal: LinkProposal, *, by: AbstractBaseUser, comment: str = "") -> LinkProposal:
    """The two records are different people: the pair is never proposed again."""
    _require_decider(by)
    return _decide(
        proposal,
        by=by,
        sources=_statuses_taking("reject_link"),
        target=LinkProposal.Status.REJECTED,
        comment=(comment or "").strip(),
    )


@transaction.atomic
def undo_link(proposal: LinkProposal, *, by: AbstractBaseUser, comment: str) -> LinkProposal:
    """Take back a confirmed link, saying why: the records are separate people again."""
    _require_decider(by)
    comment = (comment or "").strip()
    if not comment:
        raise TransitionRefused(_("A comment is required to explain this decision."))
    proposal = _decide(
        proposal,
        by=by,
        sources=_statuses_taking("undo_link"),
        target=LinkProposal.Status.UNDONE,
        comment=comment,
    )
    refresh_people([proposal.left_id, proposal.right_id], by=by, reason="undo_link")
    return proposal


def component_of(pks: Iterable[int]) -> set[int]:
    """The records joined to ``pks`` by confirmed links, and ``pks``: a query per step."""
    seen, frontier = set(pks), set(pks)
    while frontier:
        links = LinkProposal.objects.confirmed().filter(
            Q(left__in=frontier) | Q(right__in=frontier)
        )
        found = {pk for pair in links.values_list("left_id", "right_id") for pk in pair}
        frontier = found - seen
        seen |= found
    return seen


def _components(pks: set[int]) -> list[set[int]]:
    """Split ``pks`` into the groups that confirmed links join."""
    remaining, groups = set(pks), []
    while remaining:
        group = component_of([min(remaining)]) & pks
        groups.append(group)
        remaining -= group
    return groups


def refresh_people(pks: Iterable[int], *, by: AbstractBaseUser | None, reason: str) -> None:
    """Derive ``same_as`` and the shared privacy level of the people that ``pks`` belong to.

    The record standing for a person is a published one if any is, else the oldest.
    """
    pks = set(pks)
    # Every record that was, or is now, in the same person as ``pks``.
    before = set(
        Person.objects.filter(Q(pk__in=pks) | Q(same_as__in=pks)).values_list("same_as", flat=True)
    ) - {None}
    touched = component_of(pks | before)
    touched |= set(Person.objects.filter(same_as__in=touched).values_list("pk", flat=True))
    records = {person.pk: person for person in Person.objects.filter(pk__in=touched)}
    changed_public = False
    with attributed_to(by, reason=reason):
        changed_public = _apply_groups(records)
    if changed_public:
        bump_public_version()


def _apply_groups(records: dict[int, Person]) -> bool:
    """Write each group's head and privacy; whether a published record changed."""
    changed_public = False
    for group in _components(set(records)):
        members = [records[pk] for pk in sorted(group)]
        head = min(members, key=lambda person: (not person.is_public, person.pk))
        privacy = min(
            (person.privacy for person in members), key=lambda level: PROTECTION_ORDER.index(level)
        )
        for person in members:
            same_as = None if person.pk == head.pk or len(members) == 1 else head.pk
            new_privacy = privacy if len(members) > 1 else person.privacy
            if person.same_as_id == same_as and person.privacy == new_privacy:
                continue
            person.same_as_id, person.privacy = same_as, new_privacy
            # A save, so that the audit history records the change (attributed above).
            person.save(update_fields=["same_as", "privacy", "search_text", "search_text_es"])
            changed_public |= person.is_public
    return changed_public


def store_proposals(pairs: Iterable[tuple[int, int, float, dict]]) -> int:
    """Save new proposals for ``(pk, pk, score, reasons)`` pairs; a pair already proposed or
    decided (rejected pairs above all) is left as it is. Returns how many were new."""
    rows = {}
    for a, b, score, reasons in pairs:
        left, right = sorted((int(a), int(b)))
        if left != right:
            rows[(left, right)] = LinkProposal(
                left_id=left, right_id=right, score=float(score), reasons=reasons
            )
    if not rows:
        return 0
    known = set()
    keys = list(rows)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        condition = Q()
        for left, right in chunk:
            condition |= Q(left_id=left, right_id=right)
        known |= set(LinkProposal.objects.filter(condition).values_list("left_id", "right_id"))
    new = [proposal for key, proposal in rows.items() if key not in known]
    LinkProposal.objects.bulk_create(new, batch_size=1000)
    return len(new)
