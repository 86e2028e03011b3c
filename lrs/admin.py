"""Django admin of the LRS: clients (credentials) to manage, the rest to look at.

Statements are immutable (xAPI 1.0.3 §2.3.1, voiding is the only "change"), so their admin is
read-only, as are documents, activities and the forwarding outbox (whose only action is
"retry now"). A client's secret is never shown: it is generated on creation or rotation and
displayed once in a message; only its hash is stored.
"""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lrs.auth import forget_verified_credentials, hash_secret
from lrs.forwarding import forwarding_retry
from lrs.models import (
    DEFAULT_SCOPES,
    Activity,
    Client,
    Document,
    ForwardedStatement,
    ForwardStatus,
    Scope,
    Statement,
)
from lrs.services_clients import (
    client_deactivate,
    client_default_authority,
    client_rotate_secret,
    generate_client_secret,
)


class ClientForm(forms.ModelForm):
    """Name, scopes (checkboxes), authority and active flag; never the secret."""

    scopes = forms.MultipleChoiceField(
        label=_("scopes"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=DEFAULT_SCOPES,
    )
    authority = forms.JSONField(
        label=_("authority"),
        required=False,
        help_text=_(
            "The Agent set as authority on this client's statements. Leave empty on creation "
            "for an account on SITE_URL named by the client's key."
        ),
    )

    class Meta:
        model = Client
        fields = ["name", "scopes", "authority", "is_active"]


class ActiveFilter(admin.SimpleListFilter):
    """Filter clients by whether their credentials are accepted."""

    title = _("active")
    parameter_name = "active"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        """Yes or no."""
        return [("1", _("Yes")), ("0", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        """Keep the clients matching the chosen value."""
        if self.value() in ("0", "1"):
            return queryset.filter(is_active=self.value() == "1")
        return queryset


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    """LRS clients: create (the secret is shown once), edit scopes, deactivate, rotate."""

    form = ClientForm
    list_display = ["name", "key", "scope_list", "is_active", "created"]
    list_filter = [ActiveFilter]
    search_fields = ["name", "=key"]
    readonly_fields = ["key", "created"]
    actions = ["deactivate", "rotate_secret"]

    def get_fields(self, request: HttpRequest, obj: Client | None = None) -> list[str]:
        """The key and creation date only once they exist."""
        fields = ["name", "scopes", "authority", "is_active"]
        return [*fields, "key", "created"] if obj else fields

    @admin.display(description=_("scopes"))
    def scope_list(self, obj: Client) -> str:
        """The scopes, comma-separated."""
        return ", ".join(obj.scopes)

    def save_model(self, request: HttpRequest, obj: Client, form: forms.Form, change: bool) -> None:
        """On creation, generate the secret and show it once; on change, forget credentials."""
        if change:
            super().save_model(request, obj, form, change)
            # Scopes or activity may have changed: stop trusting remembered verifications.
            forget_verified_credentials()
            return
        secret = generate_client_secret()
        obj.secret_hash = hash_secret(secret)
        if not obj.authority:
            obj.authority = client_default_authority(name=obj.name, key=obj.key)
        super().save_model(request, obj, form, change)
        self._show_secret(request, obj, secret)

    @admin.action(description=_("Deactivate the selected clients"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Client]) -> None:
        """Refuse the selected clients' credentials."""
        count = 0
        for client in queryset.filter(is_active=True):
            client_deactivate(client=client)
            count += 1
        self.message_user(
            request,
            ngettext("%d client deactivated.", "%d clients deactivated.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Generate a new secret for the selected clients"))
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[Client]) -> None:
        """Replace the selected clients' secrets and show each new one once."""
        for client in queryset:
            self._show_secret(request, client, client_rotate_secret(client=client))

    def _show_secret(self, request: HttpRequest, client: Client, secret: str) -> None:
        """A message with the key and secret, the only time the secret is ever displayed."""
        self.message_user(
            request,
            _(
                "Credentials of “%(name)s”: key %(key)s, secret %(secret)s — copy the secret "
                "now, it will not be shown again."
            )
            % {"name": client.name, "key": client.key, "secret": secret},
            messages.WARNING,
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin that shows rows and never changes them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Nothing is added from the admin."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        """Nothing is changed from the admin."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        """Nothing is deleted from the admin."""
        return False


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdmin):
    """Stored statements, newest first, searchable by statement id or verb IRI."""

    list_display = ["statement_id", "verb_id", "object_activity_id", "stored", "voided", "client"]
    list_filter = ["voided"]
    list_select_related = ["client"]
    search_fields = ["verb_id"]
    search_help_text = _("A statement id, or part of a verb IRI.")
    ordering = ["-stored", "-seq"]
    # Counting a million statements for "N of M" on every page is the slow part of the list.
    show_full_result_count = False
    fields = [
        "statement_id",
        "verb_id",
        "object_activity_id",
        "object_statement_id",
        "registration",
        "timestamp",
        "stored",
        "voided",
        "authority_ifi",
        "client",
        "payload",
    ]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        """A UUID finds that statement (by its index); other text searches verb IRIs."""
        term = search_term.strip()
        try:
            statement_id = uuid.UUID(term)
        except ValueError:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(statement_id=statement_id), False


@admin.register(ForwardedStatement)
class ForwardedStatementAdmin(ReadOnlyAdmin):
    """The forwarding outbox: what waits, what failed and why; "retry now"."""

    list_display = [
        "statement",
        "target",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", "target"]
    list_select_related = ["statement"]
    ordering = ["status", "next_attempt_at"]
    show_full_result_count = False
    actions = ["retry_now"]
    fields = [
        "statement",
        "target",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]

    @admin.display(description=_("last error"))
    def short_error(self, obj: ForwardedStatement) -> str:
        """The start of the last error."""
        return obj.last_error[:120]

    @admin.action(description=_("Retry the selected statements now"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[ForwardedStatement]) -> None:
        """Make the unsent selected rows due now and queue the sending task."""
        count = forwarding_retry(
            entry_pks=queryset.exclude(status=ForwardStatus.SENT).values_list("pk", flat=True)
        )
        self.message_user(
            request,
            ngettext(
                "%d statement will be sent again shortly.",
                "%d statements will be sent again shortly.",
                count,
            )
            % count,
            messages.SUCCESS,
        )


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    """State and profile documents (their content is not shown: it may be any bytes)."""

    list_display = ["document_id", "kind", "activity_id", "agent_ifi", "content_type", "updated"]
    list_filter = ["kind"]
    search_fields = ["document_id", "activity_id"]
    ordering = ["-updated"]
    show_full_result_count = False
    fields = [
        "kind",
        "activity_id",
        "agent_ifi",
        "registration",
        "document_id",
        "content_type",
        "etag",
        "updated",
    ]


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    """The LRS's canonical activity definitions."""

    list_display = ["activity_id", "updated"]
    search_fields = ["activity_id"]
    ordering = ["activity_id"]
    show_full_result_count = False
    fields = ["activity_id", "definition", "updated"]
