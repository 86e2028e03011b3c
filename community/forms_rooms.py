"""Forms of the rooms' pages: a room's settings, a message (the page works without JavaScript)."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from community.models import Room
from community.services_rooms import MESSAGE_MAX_INPUT, MESSAGE_MAX_LENGTH


class RoomForm(DsfrBaseForm):
    """A room's name and topic (animateurs)."""

    name = forms.CharField(
        label=_("Name of the room"), max_length=Room._meta.get_field("name").max_length
    )
    topic = forms.CharField(
        label=_("Topic"),
        help_text=_("One sentence shown under the room's name."),
        max_length=Room._meta.get_field("topic").max_length,
        required=False,
    )


class MessageForm(DsfrBaseForm):
    """A message, new or edited. ``client_id`` makes a double submit store it once."""

    body = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MESSAGE_MAX_INPUT,
        strip=False,
    )
    client_id = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("client_id", uuid.uuid4())
        super().__init__(*args, **kwargs)
        # Built per form, not at import, so that it is in the language of the request.
        self.fields["body"].help_text = gettext(
            "Up to %(count)s characters. Mention a member with @firstname.lastname "
            "(for instance @claire.martin); addresses become links."
        ) % {"count": number_format(MESSAGE_MAX_LENGTH, force_grouping=True)}
