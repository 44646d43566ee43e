"""Django admin for every model. The admin never goes around the workflow: claims, figures,
citations, sources, organisations and tips are shown read-only with links to the pages where
the workflow changes them (``tracker.workflow``), and the admin's one bulk action calls it.
Admins manage the vocabularies here (categories, tags, places, indicators): every change of
one bumps the public-data version (``tracker.signals``), so no cached page outlives it."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.forms import Script
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries.filters import CountryFilter
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.admin import WebAuthnCredentialAdmin
from django_otp_webauthn.models import WebAuthnCredential
from simple_history.admin import SimpleHistoryAdmin

from tracker import workflow
from tracker.models import (
    Category,
    Citation,
    Claim,
    Indicator,
    LinkProposal,
    Location,
    ModerationEvent,
    Organization,
    Person,
    PersonSource,
    PublishedVersion,
    Revision,
    SecurityEvent,
    Source,
    Statistic,
    Tag,
    Tip,
    Withdrawal,
)

admin.site.site_header = _("Claim tracker administration")
admin.site.site_title = _("Claim tracker")


# A country filter lists the countries in use, not all 250 with "(0)".
USED_COUNTRIES = ("country", CountryFilter)


class FacetedAdmin(admin.ModelAdmin):
    show_facets = admin.ShowFacets.ALWAYS
    list_per_page = 50

    class Media:
        css = {"all": ["css/admin.css"]}


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
    list_display = ("name", "kind", "country", "parent", "latitude", "longitude")
    list_filter = ("kind", USED_COUNTRIES)
    search_fields = ("name", "name_es", "description")
    autocomplete_fields = ("parent",)
    prepopulated_fields = {"slug": ("name",)}

    @property
    def media(self):
        """A small map under the coordinates: a click fills them (static/js/place-picker.js)."""
        picker = Script(
            "js/place-picker.js",
            **{
                "data-outlines": static("vendor/world-atlas/countries-110m.json"),
                "data-label": _("Map: click to set the latitude and longitude"),
            },
        )
        return super().media + forms.Media(
            css={"all": ["vendor/leaflet/leaflet.css", "css/admin-place-picker.css"]},
            js=[
                "vendor/leaflet/leaflet.js",
                "vendor/topojson-client/topojson-client.min.js",
                picker,
            ],
        )


@admin.register(Indicator)
class IndicatorAdmin(HistoryAdmin):
    list_display = ("name", "unit", "category", "featured")
    list_filter = ("featured", "category")
    list_editable = ("featured",)
    search_fields = ("name", "name_es", "description")
    autocomplete_fields = ("category", "register_place")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("name", "name_es"),
                    "slug",
                    ("unit", "unit_es"),
                    "description",
                    "description_es",
                    "category",
                    "featured",
                )
            },
        ),
        (
            _("Documented in the register"),
            {
                "description": _(
                    "The register's own count of people for this indicator, shown on its page "
                    "beside the figures reported: published person records of every privacy "
                    "level, each person once."
                ),
                "fields": (
                    "register_situation",
                    ("register_country", "register_place"),
                    ("register_died_from", "register_died_until"),
                ),
            },
        ),
    )


class NeverByHand:
    """Viewable in the admin, never added, changed or deleted there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ContentAdmin(NeverByHand, HistoryAdmin):
    """Content that the workflow owns: shown here with its history, changed only where the
    workflow's rules apply (the workspace and the review pages), never added, edited or deleted
    in the admin. Each object links to the pages where it is changed."""

    def get_readonly_fields(self, request, obj=None):
        return ("where_to_change", *super().get_readonly_fields(request, obj))

    def get_fields(self, request, obj=None):
        fields = [name for name in super().get_fields(request, obj) if name != "where_to_change"]
        return ["where_to_change", *fields]

    @admin.display(description=_("where to change it"))
    def where_to_change(self, obj) -> str:
        links = [(label, url) for label, url in self.change_links(obj) if url]
        if not links:
            return "—"
        return format_html_join(
            " · ", '<a href="{}">{}</a>', ((url, label) for label, url in links)
        )

    def change_links(self, obj) -> list[tuple[str, str]]:
        return []


def public_link(obj) -> tuple[str, str]:
    """The public page of an object that the public may see, or no link."""
    public = type(obj).objects.public().filter(pk=obj.pk).exists()
    return (_("public page"), obj.get_absolute_url() if public else "")


@admin.register(Organization)
class OrganizationAdmin(ContentAdmin):
    list_display = ("name", "acronym", "kind", "country", "reliability")
    list_filter = ("kind", "reliability", USED_COUNTRIES)
    search_fields = ("name", "acronym", "description")

    def change_links(self, obj):
        return [
            (_("edit in the workspace"), reverse("workspace:organization_edit", args=[obj.pk])),
            public_link(obj),
        ]


@admin.register(Source)
class SourceAdmin(ContentAdmin):
    list_display = ("title", "organization", "kind", "published_on", "language", "confidential")
    list_filter = ("kind", "language", "confidential", "organization")
    search_fields = ("title", "author", "url", "summary", "organization__name")
    date_hierarchy = "published_on"
    exclude = ("file",)  # downloaded from the workspace, which checks who may see it

    def change_links(self, obj):
        return [
            (_("edit in the workspace"), reverse("workspace:source_edit", args=[obj.pk])),
            (_("download the file"), reverse("workspace:source_file", args=[obj.pk]))
            if obj.file
            else ("", ""),
            public_link(obj),
        ]


class CitationInline(admin.StackedInline):
    model = Citation
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ModeratedAdmin(ContentAdmin):
    """Claims and figures: state and content shown, never edited; the actions are the
    workflow's, with its four-eyes rule and provenance gate."""

    actions = ("approve_selected",)
    # Its list links to the review queue, where decisions are taken.
    change_list_template = "admin/tracker/moderated_change_list.html"

    def change_links(self, obj):
        kind = obj._meta.model_name
        return [
            (_("review page"), reverse(f"review:{kind}", args=[obj.pk])),
            (_("edit in the workspace"), reverse(f"workspace:{kind}_edit", args=[obj.pk])),
            (_("public page"), obj.get_absolute_url() if obj.is_public else ""),
        ]

    @admin.action(description=_("Approve (publish) the selected entries"))
    def approve_selected(self, request, queryset):
        done = 0
        for entry in queryset:
            try:
                workflow.approve(entry, by=request.user)
            except workflow.TransitionRefused as refusal:
                self.message_user(request, f"{entry}: {refusal.message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d entry published.", "%(count)d entries published.", done)
                % {"count": done},
                messages.SUCCESS,
            )


@admin.register(Claim)
class ClaimAdmin(ModeratedAdmin):
    list_display = ("title", "status", "verification", "country", "location", "event_start")
    list_filter = (
        "status",
        "verification",
        "categories",
        USED_COUNTRIES,
        "origin",
        "date_precision",
    )
    search_fields = ("title", "summary", "place_details", "search_text")
    inlines = (CitationInline,)
    date_hierarchy = "event_start"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("location")


@admin.register(Statistic)
class StatisticAdmin(ModeratedAdmin):
    list_display = ("indicator", "value", "qualifier", "as_of", "source", "status", "verification")
    list_filter = ("status", "verification", "indicator", "qualifier")
    search_fields = ("indicator__name", "note", "quote", "source__title")
    date_hierarchy = "as_of"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator", "source")


class PersonSourceInline(CitationInline):
    model = PersonSource


@admin.register(Person)
class PersonAdmin(ModeratedAdmin):
    """Person records: names and identifiers are shown here, to admins only (never public
    unless the record is public and named)."""

    list_display = ("__str__", "name", "situation", "privacy", "status", "died_on", "place")
    list_filter = ("status", "privacy", "situation", "synthetic", "identity_certainty")
    search_fields = ("name", "other_names", "name_key")
    inlines = (PersonSourceInline,)
    date_hierarchy = "died_on"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("place")

    def change_links(self, obj):
        return [
            (_("review page"), reverse("review:person", args=[obj.pk])),
            (
                _("public page"),
                obj.get_absolute_url()
                if Person.objects.listed().filter(pk=obj.pk).exists()
                else "",
            ),
        ]


@admin.register(Citation)
class CitationAdmin(ContentAdmin):
    list_display = ("claim", "source", "stance", "locator")
    list_filter = ("stance",)
    search_fields = ("claim__title", "source__title", "quote")
    list_select_related = ("claim", "source")

    def change_links(self, obj):
        return [(_("edit with its claim"), reverse("workspace:claim_edit", args=[obj.claim_id]))]


class ReadOnlyAdmin(NeverByHand, FacetedAdmin):
    """A record that only the workflow writes: viewable, never added or changed by hand."""


@admin.register(LinkProposal)
class LinkProposalAdmin(ReadOnlyAdmin):
    """Decided on the reviewers' page of person records, through the workflow."""

    list_display = ("__str__", "score", "status", "decided_by", "decided_at")
    list_filter = ("status",)
    list_select_related = ("decided_by",)


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
class TipAdmin(ContentAdmin):
    """Tips are private records, handled in the tip inbox."""

    list_display = ("created_at", "status", "where", "claim")
    list_filter = ("status",)
    search_fields = ("what", "where", "contact")
    date_hierarchy = "created_at"

    def change_links(self, obj):
        return [(_("tip inbox"), reverse("workspace:tip_detail", args=[obj.pk]))]


@admin.register(PublishedVersion)
class PublishedVersionAdmin(ReadOnlyAdmin):
    list_display = ("content_type", "object_id", "number", "published_at")
    list_filter = ("content_type",)
    list_select_related = ("content_type",)
    date_hierarchy = "published_at"


@admin.register(Withdrawal)
class WithdrawalAdmin(ReadOnlyAdmin):
    list_display = ("content_type", "object_id", "withdrawn_at")
    list_filter = ("content_type",)
    list_select_related = ("content_type",)


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    """The security log: two-factor changes, wrong codes, password-reset requests.

    Log-ins and failed passwords are in django-axes' "Access logs" and "Access failure logs".
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
