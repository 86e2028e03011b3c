"""The rooms' pages: read and write without JavaScript; ``static/community/room.js`` upgrades
them to the live conversation of :class:`community.consumers.RoomConsumer`.

Who may see what comes from :func:`community.selectors_rooms.room_access`, as for the
websocket: a room of a community the user may not see is a 404, a room they may see but are
not an active member of is a 403 (with a word on how to join), anonymous visitors are sent
to log in. Writes go through :mod:`community.services_rooms`; their refusals
(:class:`~community.services_rooms.RoomError`) come back as form errors or messages. Every
form posts back and redirects (post/redirect/get).
"""

from __future__ import annotations

from functools import cached_property

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from community import selectors_rooms as selectors
from community import services_rooms as services
from community.forms_rooms import MessageForm, RoomForm
from community.models import Message

ERROR_STATUS = {"rate_limited": 429, "forbidden": 403, "archived": 403}

# What static/community/room.js says, in the page's language (it has no catalogue of its own).
ROOM_STRINGS = {
    "typing_one": gettext_lazy("%(name)s is typing…"),
    "typing_two": gettext_lazy("%(first)s and %(second)s are typing…"),
    "typing_many": gettext_lazy("Several people are typing…"),
    "connected": gettext_lazy("Connected: new messages appear as they are sent."),
    "reconnecting": gettext_lazy("Connection lost: trying again in %(seconds)s s."),
    "closed": gettext_lazy("You can no longer follow this room live: reload the page."),
    "new_message": gettext_lazy("New message from %(name)s: %(text)s"),
    "confirm_delete": gettext_lazy("Delete this message?"),
    "sending": gettext_lazy("Sending…"),
    "you": gettext_lazy("(you)"),
}


def _int_param(request, name: str, minimum: int = 1) -> int | None:
    """An integer query parameter (at least ``minimum``), None when absent; ValueError when
    malformed."""
    value = request.GET.get(name)
    if value is None:
        return None
    number = int(value)
    if number < minimum:
        raise ValueError(name)
    return number


class MemberAccessMixin(LoginRequiredMixin):
    """A page for the active members of a community (``slug``), or of one of its rooms
    (``room``); :attr:`access` says what the user may do there."""

    forbidden_template = "community/rooms/forbidden.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if "room" in kwargs:
            self.access = selectors.room_access(request.user, kwargs["slug"], kwargs["room"])
        else:
            self.access = selectors.community_access(request.user, kwargs["slug"])
        if not self.access.found:
            return self.refuse(404)
        if not self.access.may_read:
            return self.refuse(403)
        if self.requires_running and not self.access.runs:
            return self.refuse(403, _("Only the community's animateurs may do this."))
        return super().dispatch(request, *args, **kwargs)

    requires_running = False  # Owners and animateurs only.

    def refuse(self, status: int, reason: str = ""):
        """404, or the 403 page: ``reason``, or by default how to join the community."""
        if status == 404:
            raise Http404
        return render(
            self.request,
            self.forbidden_template,
            {"community": self.access.community, "reason": reason},
            status=403,
        )

    @property
    def community(self):
        return self.access.community

    @property
    def room(self):
        return self.access.room

    def get_context_data(self, **kwargs):
        # The objects replace the URL's slugs of the same names.
        kwargs.update(community=self.community, room=self.room, access=self.access)
        return super().get_context_data(**kwargs)


# --- Rooms ------------------------------------------------------------------------------------


class RoomListView(MemberAccessMixin, TemplateView):
    """A community's rooms, open and archived; animateurs open new ones from here."""

    template_name = "community/rooms/room_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            rooms=selectors.community_rooms(self.community),
            archived_rooms=selectors.community_rooms(self.community, archived=True),
            **kwargs,
        )


class RoomCreateView(MemberAccessMixin, FormView):
    """An animateur opens a room."""

    requires_running = True
    form_class = RoomForm
    template_name = "community/rooms/room_form.html"

    def form_valid(self, form):
        try:
            room = services.room_create(
                actor=self.request.user, community=self.community, **form.cleaned_data
            )
        except services.RoomError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("The room « %(room)s » is open.") % {"room": room.name})
        return redirect(services.room_url(room))


class RoomUpdateView(MemberAccessMixin, FormView):
    """An animateur renames a room, changes its topic, archives or reopens it."""

    requires_running = True
    form_class = RoomForm
    template_name = "community/rooms/room_form.html"

    def get_initial(self):
        return {"name": self.room.name, "topic": self.room.topic}

    def form_valid(self, form):
        try:
            services.room_update(actor=self.request.user, room=self.room, **form.cleaned_data)
        except services.RoomError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("The room's settings are saved."))
        return redirect(services.room_url(self.room))


class RoomStateView(MemberAccessMixin, View):
    """POST: archive or reopen a room (``service`` is the transition)."""

    requires_running = True
    service = None
    done = ""
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            self.service(actor=request.user, room=self.room)
        except services.RoomError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, self.done)
        return redirect(services.room_url(self.room))


class RoomArchiveView(RoomStateView):
    service = staticmethod(services.room_archive)
    done = gettext_lazy("The room is archived: its history stays readable.")


class RoomReopenView(RoomStateView):
    service = staticmethod(services.room_reopen)
    done = gettext_lazy("The room is open again.")


# --- The conversation -------------------------------------------------------------------------


class RoomDetailView(MemberAccessMixin, TemplateView):
    """A room's page: a page of its history (``?before=<id>`` for older ones) and the form.

    POST stores a message and redirects to it; the form's ``client_id`` makes a double
    submit store it once.
    """

    template_name = "community/rooms/room_detail.html"

    def get(self, request, *args, **kwargs):
        try:
            self.before = _int_param(request, "before")
        except ValueError:
            return HttpResponseBadRequest(_("?before= takes the id of a message."))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.before = None
        form = MessageForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            message, _new = services.message_post(
                actor=request.user,
                room=self.room,
                body=form.cleaned_data["body"],
                client_id=form.cleaned_data["client_id"],
            )
        except services.RoomError as error:
            form.add_error("body", str(error))
            status = ERROR_STATUS.get(error.code, 400)
            return self.render_to_response(self.get_context_data(form=form), status=status)
        return redirect(f"{services.room_url(self.room)}#message-{message.pk}")

    def get_context_data(self, **kwargs):
        history, has_more = selectors.room_history(self.room, before=self.before)
        for message in history:
            message.author_name = selectors.display_name(message.author)
        kwargs.setdefault("form", MessageForm())
        return super().get_context_data(
            history=history,
            has_more=has_more,
            before=self.before,
            latest=self.before is None,
            # Only the newest page goes live (older ones are history), and only when served
            # over ASGI: campus.wsgi has no websockets, and the page works without them.
            live=self.before is None and isinstance(self.request, ASGIRequest),
            strings=ROOM_STRINGS,
            config={
                # community/routing.py's route (websocket routes have no reverse()).
                "socket": f"/ws/communautes/{self.community.slug}/salons/{self.room.slug}/",
                "missed": reverse(
                    "community:room_messages", args=[self.community.slug, self.room.slug]
                ),
                "me": self.request.user.pk,
                "me_name": selectors.display_name(self.request.user),
                "runs": self.access.runs,
                "may_post": self.access.may_post,
                "last": history[-1].pk if history else 0,
            },
            **kwargs,
        )


class RoomMessagesView(MemberAccessMixin, View):
    """JSON: ``?after=<id>`` the messages a reconnecting client missed (oldest first), or
    ``?before=<id>`` an older page; ``has_more`` says to ask again."""

    def refuse(self, status: int, reason: str = ""):
        if not reason:
            reason = _("No such room.") if status == 404 else _("Only members read this room.")
        return JsonResponse({"error": reason}, status=status)

    def handle_no_permission(self):
        return JsonResponse({"error": _("Log in to read this room.")}, status=401)

    def get(self, request, *args, **kwargs):
        try:
            # after=0: everything, for a page that had no message yet.
            after = _int_param(request, "after", minimum=0)
            before = _int_param(request, "before")
        except ValueError:
            return JsonResponse({"error": _("after and before take a message id.")}, status=400)
        if after is not None:
            history, more = selectors.room_history(
                self.room, after=after, limit=selectors.MISSED_PAGE
            )
        else:
            history, more = selectors.room_history(self.room, before=before)
        return JsonResponse(
            {"messages": [selectors.message_data(m) for m in history], "has_more": more}
        )


# --- One message ------------------------------------------------------------------------------


class MessageMixin(MemberAccessMixin):
    """A page about one message of the room (``pk``)."""

    @cached_property
    def message(self) -> Message:
        message = selectors.message_for_room(self.room, self.kwargs["pk"])
        if message is None:
            raise Http404
        return message

    def back(self):
        return redirect(f"{services.room_url(self.room)}#message-{self.message.pk}")


class MessageEditView(MessageMixin, FormView):
    """An author rewrites their message."""

    form_class = MessageForm
    template_name = "community/rooms/message_edit.html"

    def get(self, request, *args, **kwargs):
        if self.message.author_id != request.user.pk or not self.message.is_visible:
            return self.refuse(403, _("You may only change your own messages."))
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return {"body": selectors.message_source(self.message)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(message=self.message, **kwargs)

    def form_valid(self, form):
        try:
            services.message_edit(
                actor=self.request.user, message=self.message, body=form.cleaned_data["body"]
            )
        except services.RoomError as error:
            form.add_error("body", str(error))
            return self.render_to_response(
                self.get_context_data(form=form), status=ERROR_STATUS.get(error.code, 400)
            )
        messages.success(self.request, _("Your message is changed."))
        return self.back()


class MessageDeleteView(MessageMixin, TemplateView):
    """An author deletes their message (GET asks to confirm)."""

    template_name = "community/rooms/message_delete.html"

    def get(self, request, *args, **kwargs):
        if self.message.author_id != request.user.pk or not self.message.is_visible:
            return self.refuse(403, _("You may only change your own messages."))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(message=self.message, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            services.message_delete(actor=request.user, message=self.message)
        except services.RoomError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your message is deleted."))
        return self.back()


class MessageModerateView(MessageMixin, View):
    """POST: an animateur hides or restores a message (``service``)."""

    requires_running = True
    http_method_names = ["post"]
    service = None

    def post(self, request, *args, **kwargs):
        try:
            self.service(actor=request.user, message=self.message)
        except services.RoomError as error:
            messages.error(request, str(error))
        return self.back()


class MessageHideView(MessageModerateView):
    service = staticmethod(services.message_hide)


class MessageRestoreView(MessageModerateView):
    service = staticmethod(services.message_restore)
