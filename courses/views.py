"""A learner's own course pages: enrol, withdraw, resume, and "Ma formation".

Thin: each parses the request, reads through :mod:`courses.selectors` (a learner only ever
reaches their own enrolments: anybody else's is a 404), calls a service, and redirects or
renders. The module and step pages themselves are Wagtail pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from courses import selectors, selectors_plans, services
from courses.models import CataloguePage, ModulePage


def _step_or_module_url(request, step, module) -> str:
    return (step or module).get_url(request)


@require_POST
@login_required
def enrol(request, module_id: int):
    """Self-enrol in a module, then go to its first step (back to the module if refused)."""
    module = get_object_or_404(ModulePage.objects.live(), pk=module_id)
    try:
        enrolment = services.enrolment_create(actor=request.user, module=module)
    except services.EnrolmentError as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(module.get_url(request))
    messages.success(request, _("You are enrolled in « %(module)s ».") % {"module": module.title})
    progress = selectors.module_progress(enrolment)
    return HttpResponseRedirect(_step_or_module_url(request, progress.resume_step, module))


@require_POST
@login_required
def withdraw(request, pk: int):
    """Withdraw from one's own enrolment, then go back to "Ma formation"."""
    enrolment = selectors.enrolment_of_learner(request.user, pk)
    try:
        services.enrolment_withdraw(actor=request.user, enrolment=enrolment)
    except services.EnrolmentError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("You have withdrawn from « %(module)s ».") % {"module": enrolment.module.title},
        )
    return redirect("courses:my_training")


@require_GET
@login_required
def resume(request, pk: int):
    """Go to the first unfinished step of one's own enrolment (the first step when all done)."""
    enrolment = selectors.enrolment_of_learner(request.user, pk)
    progress = selectors.module_progress(enrolment)
    return HttpResponseRedirect(
        _step_or_module_url(request, progress.resume_step, enrolment.module)
    )


@require_GET
@login_required
def my_training(request):
    """The "Ma formation" dashboard: the learner's modules, their progress, "resume".

    Also the training plans targeting the learner, each with their own status only.
    """
    modules = selectors.learner_modules(request.user)
    # The catalogue is only linked when there is nothing to list (one more query then).
    catalogue = None if modules else CataloguePage.objects.live().first()
    return render(
        request,
        "courses/my_training.html",
        {
            "modules": modules,
            "catalogue": catalogue,
            "plans": selectors_plans.plans_of_teacher(request.user),
        },
    )
