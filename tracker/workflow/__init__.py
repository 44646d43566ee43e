"""The workflow: every moderation transition, verification change and edit, and who may make it.

Views, admin actions, the API and management commands all call these functions; nothing else
writes ``status`` or ``verification``. Each one is atomic, checks permissions, refuses what the
rules do not allow with a message for the user (``TransitionRefused``) and records an event.

- ``permissions``: who may do what.
- ``transitions``: submit, approve, request changes, reject, withdraw, grade.
- ``decisions``: which decisions a reviewer may take on an item now, and why not
  (``allowed_actions``).
- ``edits``: draft edits, pending revisions of published entries, restoring a version.
- ``publication``: the public record of decisions: a version at each publication, withdrawal
  notices.
- ``records``: sources and organisations.
- ``tips``: tips from the public.
- ``linkage``: confirming, rejecting and undoing links between person records.
- ``events`` and ``notify``: the record of decisions and the e-mail about them.
"""

from tracker.workflow.decisions import AllowedActions, allowed_actions
from tracker.workflow.edits import (
    approve_revision,
    create_entry,
    edit,
    propose_revision,
    reject_revision,
    restore_version,
    revision_applied,
    same_value,
    save_edit,
    snapshot,
)
from tracker.workflow.errors import STALE_MESSAGE, TransitionRefused
from tracker.workflow.events import history, record_event
from tracker.workflow.linkage import (
    allowed_link_actions,
    can_decide_links,
    confirm_link,
    link_action_choices,
    reject_link,
    store_proposals,
    undo_link,
)
from tracker.workflow.permissions import (
    PREVIEW_PERMISSION,
    REVIEW_PERMISSION,
    can_edit,
    can_edit_record,
    can_grade,
    can_preview,
    can_review,
    can_see_private,
    can_see_record,
    is_owner,
    is_used_publicly,
    visible_claims,
    visible_sources,
)
from tracker.workflow.provenance import (
    is_traceable,
    missing_provenance,
    missing_provenance_of_revision,
)
from tracker.workflow.publication import keeps_public_versions
from tracker.workflow.records import create_record, edit_record
from tracker.workflow.tips import archive_tip, can_handle_tips, receive_tip, start_claim_from_tip
from tracker.workflow.transitions import (
    approve,
    create_draft,
    decisions_from,
    four_eyes_refusal,
    import_draft,
    load_draft,
    publish_from_trusted_source,
    reject,
    request_changes,
    retract_submission,
    set_verification,
    submit,
    withdraw,
)

__all__ = [
    "AllowedActions",
    "PREVIEW_PERMISSION",
    "REVIEW_PERMISSION",
    "STALE_MESSAGE",
    "TransitionRefused",
    "allowed_actions",
    "allowed_link_actions",
    "approve",
    "approve_revision",
    "archive_tip",
    "can_decide_links",
    "can_edit",
    "can_grade",
    "can_handle_tips",
    "can_preview",
    "can_edit_record",
    "can_review",
    "can_see_private",
    "can_see_record",
    "confirm_link",
    "create_draft",
    "create_entry",
    "create_record",
    "decisions_from",
    "edit",
    "edit_record",
    "four_eyes_refusal",
    "history",
    "import_draft",
    "is_owner",
    "is_traceable",
    "is_used_publicly",
    "keeps_public_versions",
    "link_action_choices",
    "load_draft",
    "missing_provenance",
    "missing_provenance_of_revision",
    "propose_revision",
    "publish_from_trusted_source",
    "receive_tip",
    "record_event",
    "reject",
    "reject_link",
    "reject_revision",
    "request_changes",
    "restore_version",
    "revision_applied",
    "retract_submission",
    "same_value",
    "save_edit",
    "set_verification",
    "snapshot",
    "start_claim_from_tip",
    "store_proposals",
    "submit",
    "undo_link",
    "visible_claims",
    "visible_sources",
    "withdraw",
]
