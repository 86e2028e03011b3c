"""Cohort services: creating cohorts and sessions, joining, approval, members by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from campus.roles import Role
from courses import services, services_cohorts
from courses.models import (
    Attendance,
    AttendanceStatus,
    Cohort,
    CompletionRule,
    Enrolment,
    EnrolmentStatus,
)
from courses.services_cohorts import CohortError
from lrs.models import Statement
from tests.campus.factories import UserFactory
from tests.courses import cohort_helpers as c
from tests.courses import factories as f
from tests.courses.learning_helpers import LEFT, REGISTERED, statements_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def cohort(module, trainer):
    """Karim's cohort of the module, open, with the key "geo-2025" and approval for the rest."""
    return c.cohort(module=module, trainers=[trainer], enrolment_key="geo-2025")


@pytest.fixture
def other_trainer(db):
    """Nadia, a trainer who does not run Karim's cohort."""
    return UserFactory(email="nadia@ac-lyon.fr", roles=[Role.TRAINER])


def _today():
    return timezone.localdate()


# --- Creating and editing ----------------------------------------------------------------------


def test_services_cohort_create_makes_the_actor_its_trainer(trainer, module):
    """A trainer creates a cohort of a live module, becomes its trainer, gives it their académie."""
    cohort = services_cohorts.cohort_create(
        actor=trainer,
        module=module,
        name="  Groupe A ",
        starts_on=_today(),
        ends_on=_today() + dt.timedelta(days=10),
        capacity=20,
    )

    assert list(cohort.trainers.all()) == [trainer]
    assert cohort.name == "Groupe A"
    assert cohort.academy == trainer.academy
    assert cohort.capacity == 20


def test_services_cohort_create_refuses_learners(learner, module):
    """Only users with the trainer role may create a cohort."""
    with pytest.raises(CohortError, match="Only trainers"):
        services_cohorts.cohort_create(
            actor=learner, module=module, name="X", starts_on=_today(), ends_on=_today()
        )
    assert not Cohort.objects.exists()


def test_services_cohort_create_refuses_end_before_start(trainer, module):
    """A cohort cannot end before it starts."""
    with pytest.raises(CohortError, match="end before it starts"):
        services_cohorts.cohort_create(
            actor=trainer,
            module=module,
            name="X",
            starts_on=_today(),
            ends_on=_today() - dt.timedelta(days=1),
        )
    assert not Cohort.objects.exists()


def test_services_cohort_create_refuses_unpublished_module(trainer, module):
    """No cohort runs a module taken offline."""
    module.unpublish()
    module.refresh_from_db()

    with pytest.raises(CohortError, match="not published"):
        services_cohorts.cohort_create(
            actor=trainer, module=module, name="X", starts_on=_today(), ends_on=_today()
        )


def test_services_cohort_update_changes_settings(trainer, cohort):
    """The cohort's trainer changes its settings."""
    services_cohorts.cohort_update(actor=trainer, cohort=cohort, name="Groupe B", capacity=3)

    cohort.refresh_from_db()
    assert (cohort.name, cohort.capacity) == ("Groupe B", 3)


def test_services_cohort_update_refuses_other_trainers(other_trainer, cohort):
    """A trainer who does not run the cohort cannot change it."""
    with pytest.raises(CohortError, match="Only the trainers of this cohort"):
        services_cohorts.cohort_update(actor=other_trainer, cohort=cohort, name="Pris")
    cohort.refresh_from_db()
    assert cohort.name == "Session de printemps"


def test_services_cohort_update_refuses_capacity_below_seats(trainer, cohort, learner):
    """The capacity cannot drop below the seats taken (pending requests included)."""
    Enrolment.objects.create(user=learner, module=cohort.module, cohort=cohort)
    f.enrolment(user=UserFactory(), module=cohort.module)  # Not in the cohort: no seat.
    pending = UserFactory()
    Enrolment.objects.create(
        user=pending, module=cohort.module, cohort=cohort, status=EnrolmentStatus.PENDING
    )

    with pytest.raises(CohortError, match="2 seats are already taken"):
        services_cohorts.cohort_update(actor=trainer, cohort=cohort, capacity=1)
    services_cohorts.cohort_update(actor=trainer, cohort=cohort, capacity=2)


def test_services_cohort_update_refuses_end_before_start(trainer, cohort):
    """Editing keeps the dates in order."""
    with pytest.raises(CohortError, match="end before it starts"):
        services_cohorts.cohort_update(
            actor=trainer, cohort=cohort, ends_on=cohort.starts_on - dt.timedelta(days=1)
        )


# --- In-person sessions ----------------------------------------------------------------------


def _start(days: int = 3) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def test_services_cohort_session_add_ties_an_attended_step(trainer, cohort):
    """A session may complete a step of the module whose rule is attendance."""
    step = f.step_page(module=cohort.module, completion_rule=CompletionRule.ATTENDED)

    session = services_cohorts.cohort_session_add(
        actor=trainer, cohort=cohort, title="Regroupement 1", starts_at=_start(), step=step
    )

    assert session.cohort == cohort
    assert session.step == step


def test_services_cohort_session_add_refuses_a_step_of_another_rule(trainer, cohort):
    """A step completed by viewing cannot be tied to a session."""
    step = f.step_page(module=cohort.module, completion_rule=CompletionRule.VIEWED)

    with pytest.raises(CohortError, match="attending"):
        services_cohorts.cohort_session_add(
            actor=trainer, cohort=cohort, title="R", starts_at=_start(), step=step
        )


def test_services_cohort_session_add_refuses_a_step_of_another_module(trainer, cohort, catalogue):
    """A step of another module cannot be tied to the cohort's session."""
    other = f.step_page(
        module=f.module_page(catalogue=catalogue), completion_rule=CompletionRule.ATTENDED
    )

    with pytest.raises(CohortError, match="another module"):
        services_cohorts.cohort_session_add(
            actor=trainer, cohort=cohort, title="R", starts_at=_start(), step=other
        )


def test_services_cohort_session_add_refuses_dates_outside_the_cohort(trainer, cohort):
    """A session takes place between the cohort's start and end dates."""
    with pytest.raises(CohortError, match="between the cohort's start and end"):
        services_cohorts.cohort_session_add(
            actor=trainer, cohort=cohort, title="R", starts_at=_start(days=60)
        )
    assert not cohort.sessions.exists()


def test_services_cohort_session_update_and_refusal_for_other_trainers(
    trainer, other_trainer, cohort
):
    """The cohort's trainer edits a session; another trainer may not."""
    session = c.session(cohort=cohort)

    services_cohorts.cohort_session_update(actor=trainer, session=session, place="Salle 12")
    with pytest.raises(CohortError):
        services_cohorts.cohort_session_update(actor=other_trainer, session=session, place="X")

    session.refresh_from_db()
    assert session.place == "Salle 12"


def test_services_cohort_session_delete_refused_once_attendance_is_taken(trainer, cohort, learner):
    """A session is deleted until attendance is taken at it, then kept."""
    free = c.session(cohort=cohort)
    taken = c.session(cohort=cohort, days=8)
    enrolment = Enrolment.objects.create(user=learner, module=cohort.module, cohort=cohort)
    Attendance.objects.create(session=taken, enrolment=enrolment, status=AttendanceStatus.ABSENT)

    services_cohorts.cohort_session_delete(actor=trainer, session=free)
    with pytest.raises(CohortError, match="Attendance"):
        services_cohorts.cohort_session_delete(actor=trainer, session=taken)

    assert list(cohort.sessions.all()) == [taken]


# --- Joining ---------------------------------------------------------------------------------


def test_services_cohort_join_with_the_key_is_active_and_registered(learner, cohort):
    """The right key makes an active enrolment in the cohort and records `registered`."""
    enrolment = services_cohorts.cohort_join(actor=learner, cohort=cohort, key=" geo-2025 ")

    assert enrolment.status == EnrolmentStatus.ACTIVE
    assert enrolment.cohort == cohort
    [statement] = statements_of(enrolment)
    assert statement["verb"]["id"] == REGISTERED
    assert statement["object"]["id"] == cohort.module.activity_iri
    assert statement["context"]["registration"] == str(enrolment.registration)
    assert statement["actor"]["mbox"] == f"mailto:{learner.email}"


def test_services_cohort_join_with_a_wrong_key_is_refused(learner, cohort):
    """A wrong key is refused with a clear message, and nothing is written."""
    with pytest.raises(CohortError, match="not the right one"):
        services_cohorts.cohort_join(actor=learner, cohort=cohort, key="geo-2024")
    assert not Enrolment.objects.exists()
    assert not Statement.objects.exists()


def test_services_cohort_join_with_a_key_for_a_cohort_without_one(learner, module, trainer):
    """Any key is wrong for a cohort that has none."""
    cohort = c.cohort(module=module, trainers=[trainer])

    with pytest.raises(CohortError, match="not the right one"):
        services_cohorts.cohort_join(actor=learner, cohort=cohort, key="anything")


def test_services_cohort_join_without_key_waits_for_approval(
    learner, cohort, trainer, mailoutbox, django_capture_on_commit_callbacks
):
    """Without the key, the request is pending, records nothing, and the trainers are told."""
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = services_cohorts.cohort_join(actor=learner, cohort=cohort)

    assert enrolment.status == EnrolmentStatus.PENDING
    assert enrolment.cohort == cohort
    assert not Statement.objects.exists()
    [email] = mailoutbox
    assert email.to == [trainer.email]
    assert learner.email in email.body
    assert f"/parcours/mes-groupes/{cohort.pk}/membres/" in email.body


def test_services_cohort_join_without_key_when_only_the_key_lets_in(learner, module, trainer):
    """A cohort with a key and no approval step needs the key."""
    cohort = c.cohort(module=module, trainers=[trainer], enrolment_key="k", requires_approval=False)

    with pytest.raises(CohortError, match="Give this cohort's enrolment key"):
        services_cohorts.cohort_join(actor=learner, cohort=cohort)
    assert not Enrolment.objects.exists()


def test_services_cohort_join_free_cohort_is_active_at_once(learner, module, trainer):
    """A cohort with neither key nor approval lets learners in at once."""
    cohort = c.cohort(module=module, trainers=[trainer], requires_approval=False)

    enrolment = services_cohorts.cohort_join(actor=learner, cohort=cohort)

    assert enrolment.status == EnrolmentStatus.ACTIVE
    assert len(statements_of(enrolment, REGISTERED)) == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"is_open": False}, "closed"),
        ({"starts_on": dt.date(2020, 1, 1), "ends_on": dt.date(2020, 2, 1)}, "over"),
    ],
)
def test_services_cohort_join_refuses_closed_or_past_cohorts(
    learner, module, trainer, fields, message
):
    """A cohort closed to requests, or over, cannot be joined, even with the key."""
    cohort = c.cohort(module=module, trainers=[trainer], enrolment_key="k", **fields)

    with pytest.raises(CohortError, match=message):
        services_cohorts.cohort_join(actor=learner, cohort=cohort, key="k")
    assert not Enrolment.objects.exists()


def test_services_cohort_join_refuses_a_full_cohort_counting_pending_requests(
    learner, module, trainer
):
    """Pending requests hold their seat: a cohort of 1 with one request is full."""
    cohort = c.cohort(module=module, trainers=[trainer], enrolment_key="k", capacity=1)
    services_cohorts.cohort_join(actor=UserFactory(), cohort=cohort)  # Pending.

    with pytest.raises(CohortError, match="full"):
        services_cohorts.cohort_join(actor=learner, cohort=cohort, key="k")
    assert not Enrolment.objects.filter(user=learner).exists()


def test_services_cohort_join_with_the_key_settles_ones_own_request(learner, cohort):
    """A learner who asked, then got the key, joins at once without a second seat."""
    services_cohorts.cohort_join(actor=learner, cohort=cohort)
    cohort.capacity = 1
    cohort.save()

    enrolment = services_cohorts.cohort_join(actor=learner, cohort=cohort, key="geo-2025")

    assert enrolment.status == EnrolmentStatus.ACTIVE
    assert Enrolment.objects.count() == 1


def test_services_cohort_join_refuses_a_second_request(learner, cohort):
    """Asking twice is refused: the first request is still waiting."""
    services_cohorts.cohort_join(actor=learner, cohort=cohort)

    with pytest.raises(CohortError, match="awaiting approval"):
        services_cohorts.cohort_join(actor=learner, cohort=cohort)


def test_services_cohort_join_refuses_members(learner, cohort):
    """A member cannot join again."""
    services_cohorts.cohort_join(actor=learner, cohort=cohort, key="geo-2025")

    with pytest.raises(CohortError, match="already a member"):
        services_cohorts.cohort_join(actor=learner, cohort=cohort, key="geo-2025")
    assert len(statements_of(Enrolment.objects.get(), REGISTERED)) == 1


def test_services_cohort_join_refuses_learners_of_another_cohort(learner, module, trainer, cohort):
    """One enrolment per module: a member of another cohort of the module is refused."""
    first = c.cohort(module=module, trainers=[trainer], name="Groupe A", requires_approval=False)
    services_cohorts.cohort_join(actor=learner, cohort=first)

    with pytest.raises(CohortError, match="Groupe A"):
        services_cohorts.cohort_join(actor=learner, cohort=cohort, key="geo-2025")
    assert Enrolment.objects.get().cohort == first


def test_services_cohort_join_takes_a_self_enrolment_along(learner, cohort):
    """A learner following the module alone joins the cohort with their enrolment as it is."""
    enrolment = services.enrolment_create(actor=learner, module=cohort.module)

    joined = services_cohorts.cohort_join(actor=learner, cohort=cohort, key="geo-2025")

    assert joined.pk == enrolment.pk
    assert joined.cohort == cohort
    assert joined.status == EnrolmentStatus.ACTIVE
    assert len(statements_of(joined, REGISTERED)) == 1  # Registered once, at self-enrolment.


def test_services_cohort_join_refuses_a_request_that_would_stop_a_self_enrolment(learner, cohort):
    """Asking for approval would pause a learner's own enrolment: they are told to use the key."""
    services.enrolment_create(actor=learner, module=cohort.module)

    with pytest.raises(CohortError, match="on your own"):
        services_cohorts.cohort_join(actor=learner, cohort=cohort)
    enrolment = Enrolment.objects.get()
    assert (enrolment.status, enrolment.cohort) == (EnrolmentStatus.ACTIVE, None)


def test_services_cohort_join_reactivates_a_withdrawn_enrolment(learner, cohort):
    """A withdrawn learner joins with the same registration, and `registered` is recorded anew."""
    enrolment = services.enrolment_create(actor=learner, module=cohort.module)
    services.enrolment_withdraw(actor=learner, enrolment=enrolment)

    joined = services_cohorts.cohort_join(actor=learner, cohort=cohort, key="geo-2025")

    assert joined.pk == enrolment.pk
    assert joined.registration == enrolment.registration
    assert joined.status == EnrolmentStatus.ACTIVE
    verbs = [s["verb"]["id"] for s in statements_of(joined)]
    assert verbs == [REGISTERED, LEFT, REGISTERED]


def test_services_cohort_join_key_is_compared_with_compare_digest(monkeypatch, learner, cohort):
    """The key goes through hmac.compare_digest (constant time), not ==."""
    seen = []
    real = services_cohorts.hmac.compare_digest

    def spy(a, b):
        seen.append((a, b))
        return real(a, b)

    monkeypatch.setattr(services_cohorts.hmac, "compare_digest", spy)
    services_cohorts.cohort_join(actor=learner, cohort=cohort, key="geo-2025")

    assert seen == [(b"geo-2025", b"geo-2025")]


# --- Approval --------------------------------------------------------------------------------


@pytest.fixture
def request_(learner, cohort):
    """Claire's pending request to join Karim's cohort."""
    return services_cohorts.cohort_join(actor=learner, cohort=cohort)


def test_services_cohort_request_approve_activates_and_tells_the_learner(
    trainer, request_, learner, mailoutbox, django_capture_on_commit_callbacks
):
    """Approval makes the enrolment active, records `registered` and emails the learner."""
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = services_cohorts.cohort_request_approve(actor=trainer, enrolment=request_)

    assert enrolment.status == EnrolmentStatus.ACTIVE
    [statement] = statements_of(enrolment)
    assert statement["verb"]["id"] == REGISTERED
    [email] = mailoutbox
    assert email.to == [learner.email]
    assert "Session de printemps" in email.subject


def test_services_cohort_request_approve_refuses_other_trainers(other_trainer, request_):
    """Only the cohort's trainers answer its requests."""
    with pytest.raises(CohortError, match="Only the trainers"):
        services_cohorts.cohort_request_approve(actor=other_trainer, enrolment=request_)
    request_.refresh_from_db()
    assert request_.status == EnrolmentStatus.PENDING


def test_services_cohort_request_approve_refuses_answered_requests(trainer, request_):
    """A request is answered once."""
    services_cohorts.cohort_request_approve(actor=trainer, enrolment=request_)

    with pytest.raises(CohortError, match="already been answered"):
        services_cohorts.cohort_request_approve(actor=trainer, enrolment=request_)
    assert len(statements_of(request_, REGISTERED)) == 1


def test_services_cohort_request_decline_frees_the_seat_and_tells_the_learner(
    trainer, request_, learner, mailoutbox, django_capture_on_commit_callbacks
):
    """Declining withdraws the request, takes it out of the cohort and emails the learner."""
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = services_cohorts.cohort_request_decline(actor=trainer, enrolment=request_)

    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.cohort) == (EnrolmentStatus.WITHDRAWN, None)
    assert not Statement.objects.exists()
    [email] = mailoutbox
    assert email.to == [learner.email]


# --- Members by hand -------------------------------------------------------------------------


def test_services_cohort_member_add_enrols_an_existing_account(
    trainer, cohort, learner, mailoutbox, django_capture_on_commit_callbacks
):
    """A trainer adds a user by email (any case), active and registered, and the user is told."""
    cohort.is_open = False  # Adding by hand does not depend on requests being open.
    cohort.save()

    with django_capture_on_commit_callbacks(execute=True):
        enrolment = services_cohorts.cohort_member_add(
            actor=trainer, cohort=cohort, email="  Claire.Martin@AC-Lyon.fr"
        )

    assert (enrolment.user, enrolment.status, enrolment.cohort) == (
        learner,
        EnrolmentStatus.ACTIVE,
        cohort,
    )
    assert len(statements_of(enrolment, REGISTERED)) == 1
    assert [m.to for m in mailoutbox] == [[learner.email]]


def test_services_cohort_member_add_approves_a_pending_request(trainer, cohort, request_):
    """Adding somebody whose request waits approves it."""
    enrolment = services_cohorts.cohort_member_add(
        actor=trainer, cohort=cohort, email=request_.user.email
    )

    assert enrolment.pk == request_.pk
    assert enrolment.status == EnrolmentStatus.ACTIVE
    assert len(statements_of(enrolment, REGISTERED)) == 1


def test_services_cohort_member_add_refuses_unknown_addresses(trainer, cohort):
    """Nobody is invented: an address without an account is refused, pointing to the import."""
    with pytest.raises(CohortError, match="Import the person"):
        services_cohorts.cohort_member_add(actor=trainer, cohort=cohort, email="nobody@x.fr")


def test_services_cohort_member_add_refuses_a_full_cohort(trainer, cohort, learner):
    """Adding by hand respects the capacity."""
    cohort.capacity = 0
    cohort.save()

    with pytest.raises(CohortError, match="full"):
        services_cohorts.cohort_member_add(actor=trainer, cohort=cohort, email=learner.email)


def test_services_cohort_member_add_refuses_other_trainers(other_trainer, cohort, learner):
    """Only the cohort's trainers add members."""
    with pytest.raises(CohortError, match="Only the trainers"):
        services_cohorts.cohort_member_add(actor=other_trainer, cohort=cohort, email=learner.email)
    assert not Enrolment.objects.exists()


def test_services_cohort_member_remove_withdraws_and_records_left(trainer, cohort, learner):
    """Removing a member withdraws them (kept in the cohort's list) and records `left`."""
    enrolment = services_cohorts.cohort_member_add(
        actor=trainer, cohort=cohort, email=learner.email
    )

    services_cohorts.cohort_member_remove(actor=trainer, enrolment=enrolment)

    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.cohort) == (EnrolmentStatus.WITHDRAWN, cohort)
    assert [s["verb"]["id"] for s in statements_of(enrolment)] == [REGISTERED, LEFT]


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (EnrolmentStatus.COMPLETED, "completed"),
        (EnrolmentStatus.PENDING, "decline it"),
        (EnrolmentStatus.WITHDRAWN, "already left"),
    ],
)
def test_services_cohort_member_remove_refusals(trainer, cohort, learner, status, message):
    """Only active members are removed."""
    enrolment = Enrolment.objects.create(
        user=learner, module=cohort.module, cohort=cohort, status=status
    )

    with pytest.raises(CohortError, match=message):
        services_cohorts.cohort_member_remove(actor=trainer, enrolment=enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == status
