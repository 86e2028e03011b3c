"""Campus's own pages: health endpoints, role spaces and the profile."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView, UpdateView

from campus.forms import ProfileForm
from campus.health import readiness, run_health_checks
from campus.services import profile_update


@never_cache
async def healthz(request):
    """Liveness with dependencies: database, cache and channel layer, as JSON."""
    checks = await run_health_checks()
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks},
        status=200 if healthy else 503,
    )


@never_cache
async def readyz(request):
    """Readiness: the database answers and every migration is applied."""
    ready, reason = await sync_to_async(readiness)()
    return JsonResponse(
        {"status": "ready" if ready else "not ready", "reason": reason},
        status=200 if ready else 503,
    )


class SpaceView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """A role's space; the role's permission is required (403 otherwise)."""

    raise_exception = False

    def handle_no_permission(self):
        # Logged-in users without the role get a 403, not a loop back to the login page.
        self.raise_exception = self.request.user.is_authenticated
        return super().handle_no_permission()


class InspectorSpaceView(SpaceView):
    permission_required = "campus.access_inspector_space"
    template_name = "campus/space_inspector.html"


class ProfileView(LoginRequiredMixin, UpdateView):
    """The logged-in user's own profile; nobody edits anyone else's here."""

    form_class = ProfileForm
    template_name = "campus/profile.html"
    success_url = reverse_lazy("profile")

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        profile_update(actor=self.request.user, user=self.object, data=form.cleaned_data)
        messages.success(self.request, _("Your profile has been saved."))
        return redirect(self.success_url)
