"""Django admin for every model. Moderation status and grade are read-only here: the
workflow module (``tracker.workflow``) owns them, and the admin actions call it."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.admin import WebAuthnCredentialAdmin
from django_otp_webauthn.models import WebAuthnCredential
from simple_history.admin import SimpleHistoryAdmin

from tracker import workflow
from tracker.forms import EvidenceFileInput, EvidenceUploadMixin
from tracker.models import (
    Category,
    Citation,
    Claim,
    Indicator,
    Location,
    ModerationEvent,
    Organization,
    Revision,
    SecurityEvent,
    Source,
    Statistic,
    Tag,
    Tip,
)

admin.site.site_header = _("Claim tracker administration")
admin.site.site_title = _("Claim tracker")

WORKFLOW_FIELDS = (
    "status",
    "verification",
    "verification_rationale",
    "published_at",
    "created_by",
    "last_edited_by",
    "version",
    "created_at",
    "updated_at",
)


class FacetedAdmin(admin.ModelAdmin):
    show_facets = admin.ShowFacets.ALWAYS
    list_per_page = 50


class HistoryAdmin(SimpleHistoryAdmin, FacetedAdmin):
    """Admin of an audited model: its "History" page lists every version, who made it and why."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # An old version is shown, never saved back: reverting would write the old moderation
        # status and grade past the workflow. Restoring goes through a reviewed revision.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Category)
class CategoryAdmin(HistoryAdmin):
    list_display = ("name", "name_es", "slug")
    search_fields = ("name", "name_es")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Tag)
class TagAdmin(HistoryAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Location)
class LocationAdmin(HistoryAdmin):
    list_display = ("name", "kind", "country", "parent")
    list_filter = ("kind", "country")
    search_fields = ("name", "description")
    autocomplete_fields = ("parent",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Indicator)
class IndicatorAdmin(HistoryAdmin):
    list_display = ("name", "unit", "category")
    list_filter = ("category",)
    search_fields = ("name", "name_es", "description")
    autocomplete_fields = ("category",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Organization)
class OrganizationAdmin(HistoryAdmin):
    list_display = ("name", "acronym", "kind", "country", "reliability")
    list_filter = ("kind", "reliability", "country")
    search_fields = ("name", "acronym", "description")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_by", "version")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class SourceAdminForm(EvidenceUploadMixin, forms.ModelForm):
    """The admin checks and stores an uploaded file exactly as the workspace does."""

    class Meta:
        model = Source
        fields = "__all__"
        widgets = {"file": EvidenceFileInput}


@admin.register(Source)
class SourceAdmin(HistoryAdmin):
    form = SourceAdminForm
    list_display = ("title", "organization", "kind", "published_on", "language", "confidential")
    list_filter = ("kind", "language", "confidential", "organization")
    search_fields = ("title", "author", "url", "summary", "organization__name")
    autocomplete_fields = ("organization",)
    readonly_fields = (
        "sha256",
        "original_name",
        "created_by",
        "version",
        "created_at",
        "updated_at",
    )
    date_hierarchy = "published_on"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class CitationInline(admin.StackedInline):
    model = Citation
    extra = 0
    autocomplete_fields = ("source",)


class ModeratedAdmin(HistoryAdmin):
    """Admin for moderated entries: state is shown, never edited; actions use the workflow."""

    readonly_fields = WORKFLOW_FIELDS
    actions = ("submit_selected", "approve_selected")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.last_edited_by = request.user
        super().save_model(request, obj, form, change)

    def _apply(self, request, queryset, transition, done_message):
        done = 0
        for entry in queryset:
            try:
                transition(entry, by=request.user)
            except workflow.TransitionRefused as refusal:
                self.message_user(request, f"{entry}: {refusal.message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Submit the selected entries for review"))
    def submit_selected(self, request, queryset):
        self._apply(
            request,
            queryset,
            workflow.submit,
            lambda n: (
                ngettext("%(count)d entry submitted.", "%(count)d entries submitted.", n)
                % {"count": n}
            ),
        )

    @admin.action(description=_("Approve (publish) the selected entries"))
    def approve_selected(self, request, queryset):
        self._apply(
            request,
            queryset,
            workflow.approve,
            lambda n: (
                ngettext("%(count)d entry published.", "%(count)d entries published.", n)
                % {"count": n}
            ),
        )


@admin.register(Claim)
class ClaimAdmin(ModeratedAdmin):
    list_display = ("title", "status", "verification", "country", "location", "event_start")
    list_filter = ("status", "verification", "categories", "country", "origin", "date_precision")
    search_fields = ("title", "summary", "place_details", "search_text")
    autocomplete_fields = ("location", "categories", "tags")
    readonly_fields = (*WORKFLOW_FIELDS, "origin")
    inlines = (CitationInline,)
    date_hierarchy = "event_start"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("location")


@admin.register(Statistic)
class StatisticAdmin(ModeratedAdmin):
    list_display = ("indicator", "value", "qualifier", "as_of", "source", "status", "verification")
    list_filter = ("status", "verification", "indicator", "qualifier")
    search_fields = ("indicator__name", "note", "quote", "source__title")
    autocomplete_fields = ("indicator", "organization", "source", "location")
    date_hierarchy = "as_of"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator", "source")


@admin.register(Citation)
class CitationAdmin(HistoryAdmin):
    list_display = ("claim", "source", "stance", "locator")
    list_filter = ("stance",)
    search_fields = ("claim__title", "source__title", "quote")
    autocomplete_fields = ("claim", "source")
    list_select_related = ("claim", "source")


class ReadOnlyAdmin(FacetedAdmin):
    """A record that only the workflow writes: viewable, never added or changed by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ModerationEvent)
class ModerationEventAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "content_type",
        "object_id",
        "action",
        "from_value",
        "to_value",
        "actor",
    )
    list_filter = ("kind", "action", "content_type")
    search_fields = ("comment",)
    list_select_related = ("content_type", "actor")
    date_hierarchy = "created_at"


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin):
    list_display = ("content_type", "object_id", "status", "created_by", "created_at", "decided_by")
    list_filter = ("status", "content_type")
    list_select_related = ("content_type", "created_by", "decided_by")


@admin.register(Tip)
class TipAdmin(HistoryAdmin):
    list_display = ("created_at", "what", "where", "claim")
    search_fields = ("what", "where", "contact")
    readonly_fields = ("claim", "created_at")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    """The security log: two-factor changes, wrong codes, password-reset requests.

    Log-ins and failed passwords are in django-axes' "Access logs" and "Access attempts".
    """

    list_display = ("created_at", "kind", "user", "actor", "ip_address", "detail")
    list_filter = ("kind",)
    search_fields = ("user__username", "actor__username", "detail", "ip_address")
    list_select_related = ("user", "actor")
    date_hierarchy = "created_at"


class DeviceAdminMixin:
    """Two-factor devices: seen and removed in the admin, never made or changed by hand.

    An admin helps someone who lost a device by removing it; the removal is recorded in the
    security log, and the person adds a new device after their password. A device added or
    changed here would be a second factor that nobody confirmed.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TrackerTOTPDeviceAdmin(DeviceAdminMixin, TOTPDeviceAdmin):
    pass


class TrackerStaticDeviceAdmin(DeviceAdminMixin, StaticDeviceAdmin):
    pass


class TrackerWebAuthnCredentialAdmin(DeviceAdminMixin, WebAuthnCredentialAdmin):
    pass


admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, TrackerTOTPDeviceAdmin)
admin.site.unregister(StaticDevice)
admin.site.register(StaticDevice, TrackerStaticDeviceAdmin)
# django-otp-webauthn defines an admin for passkeys without registering it.
admin.site.register(WebAuthnCredential, TrackerWebAuthnCredentialAdmin)
