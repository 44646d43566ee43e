"""What the workflow says when it refuses: one exception, with a message for the user."""

from django.utils.translation import gettext_lazy


class TransitionRefused(Exception):
    """A change that the rules do not allow; the message says why, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# Lazy: module-level text is translated when it is shown, in the reader's language.
STALE_MESSAGE = gettext_lazy(
    "Someone else saved this entry while you were editing it. Your text is still in the form: "
    "compare it with the current version (open the entry in a new tab), then save again."
)

ONLY_REVIEWERS = gettext_lazy("Only reviewers can make this decision.")
