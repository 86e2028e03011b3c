"""Enrolment services and the statements of a learner's work, read back from the LRS."""

from __future__ import annotations

import uuid

import pytest
from django.test import RequestFactory

from courses import services
from courses.models import Collection, Enrolment, EnrolmentStatus, Pace
from lrs.models import Statement
from tests.courses import factories as f
from tests.courses.learning_helpers import (
    EXPERIENCED,
    LAUNCHED,
    LEFT,
    REGISTERED,
    course,
    parents,
    statements_of,
)

pytestmark = pytest.mark.django_db


def test_services_enrolment_create_records_registered(learner, module):
    """Self-enrolment makes an active enrolment and records `registered` on the module."""
    enrolment = services.enrolment_create(actor=learner, module=module)

    assert enrolment.status == EnrolmentStatus.ACTIVE
    [statement] = statements_of(enrolment)
    assert statement["verb"]["id"] == REGISTERED
    assert statement["object"]["id"] == module.activity_iri
    assert statement["actor"] == {
        "objectType": "Agent",
        "mbox": "mailto:claire.martin@ac-lyon.fr",
        "name": "Claire Martin",
    }
    assert statement["context"]["registration"] == str(enrolment.registration)
    assert parents(statement) == []  # The module is the object: it is not its own parent.


def test_services_enrolment_create_is_idempotent(learner, module):
    """Enrolling twice returns the same enrolment and records `registered` once."""
    first = services.enrolment_create(actor=learner, module=module)
    second = services.enrolment_create(actor=learner, module=module)

    assert second.pk == first.pk
    assert Enrolment.objects.count() == 1
    assert len(statements_of(first, REGISTERED)) == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"collection": Collection.ACCOMPANIED},
        {"collection": Collection.CERTIFYING},
        {"pace": Pace.SCHEDULED},
    ],
)
def test_services_enrolment_create_refuses_cohort_modules(learner, catalogue, fields, english):
    """Accompanied, certifying and scheduled modules are joined through a cohort, not alone."""
    module = f.module_page(catalogue=catalogue, **fields)

    with pytest.raises(services.EnrolmentError, match="cohort"):
        services.enrolment_create(actor=learner, module=module)
    assert not Enrolment.objects.exists()
    assert not Statement.objects.exists()


def test_services_enrolment_create_refuses_unpublished_module(learner, module):
    """A module taken offline is not open to enrolment."""
    module.unpublish()
    module.refresh_from_db()

    with pytest.raises(services.EnrolmentError):
        services.enrolment_create(actor=learner, module=module)
    assert not Enrolment.objects.exists()


def test_services_enrolment_create_refuses_pending_enrolment(learner, module, english):
    """An enrolment awaiting a trainer's approval is not activated by self-enrolment."""
    f.enrolment(user=learner, module=module, status=EnrolmentStatus.PENDING)

    with pytest.raises(services.EnrolmentError, match="approval"):
        services.enrolment_create(actor=learner, module=module)
    assert Enrolment.objects.get().status == EnrolmentStatus.PENDING


def test_services_enrolment_create_reactivates_withdrawn_with_same_registration(learner, module):
    """Enrolling again after withdrawing keeps the registration, so progress picks up."""
    enrolment = services.enrolment_create(actor=learner, module=module)
    services.enrolment_withdraw(actor=learner, enrolment=enrolment)

    again = services.enrolment_create(actor=learner, module=module)

    assert again.pk == enrolment.pk
    assert again.registration == enrolment.registration
    assert again.status == EnrolmentStatus.ACTIVE
    verbs = [s["verb"]["id"] for s in statements_of(again)]
    assert verbs == [REGISTERED, LEFT, REGISTERED]


def test_services_enrolment_withdraw_records_left(learner, module):
    """Withdrawing sets the status and records `leave` on the module with the registration."""
    enrolment = services.enrolment_create(actor=learner, module=module)

    services.enrolment_withdraw(actor=learner, enrolment=enrolment)

    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.WITHDRAWN
    [left] = statements_of(enrolment, LEFT)
    assert left["object"]["id"] == module.activity_iri


def test_services_enrolment_withdraw_refuses_completed(learner, module):
    """A completed module cannot be withdrawn from."""
    enrolment = f.enrolment(user=learner, module=module, status=EnrolmentStatus.COMPLETED)

    with pytest.raises(services.EnrolmentError):
        services.enrolment_withdraw(actor=learner, enrolment=enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED


def test_services_enrolment_withdraw_refuses_another_learners(learner, trainer, module):
    """Nobody withdraws somebody else's enrolment."""
    enrolment = f.enrolment(user=learner, module=module)

    with pytest.raises(services.EnrolmentError):
        services.enrolment_withdraw(actor=trainer, enrolment=enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE


def test_services_module_launch_records_launched(learner, module):
    """Launching records `launched` on the module and marks the learner active."""
    enrolment = f.enrolment(user=learner, module=module)

    services.module_launch(actor=learner, enrolment=enrolment)

    [launched] = statements_of(enrolment, LAUNCHED)
    assert launched["object"]["id"] == module.activity_iri
    assert launched["context"]["registration"] == str(enrolment.registration)
    enrolment.refresh_from_db()
    assert enrolment.last_activity_at is not None


def test_services_step_view_records_experienced_with_context(learner, module):
    """A step view is `experienced` on the step, with the registration and the module as parent."""
    read, *_ = course(module)
    enrolment = f.enrolment(user=learner, module=module)

    statement_id = services.step_view(actor=learner, enrolment=enrolment, step=read)

    row = Statement.objects.get(statement_id=uuid.UUID(statement_id))
    assert row.verb_id == EXPERIENCED
    assert row.object_activity_id == read.activity_iri
    assert row.registration == enrolment.registration
    assert parents(row.payload) == [module.activity_iri]
    assert row.payload["object"]["definition"]["name"] == {"fr-FR": "Lire"}
    enrolment.refresh_from_db()
    assert enrolment.last_activity_at is not None


def test_services_step_view_refuses_step_of_another_module(learner, module, catalogue):
    """Work is recorded only on a step of the enrolment's own module."""
    other = f.module_page(catalogue=catalogue)
    foreign = f.step_page(module=other)
    enrolment = f.enrolment(user=learner, module=module)

    with pytest.raises(services.EnrolmentError):
        services.step_view(actor=learner, enrolment=enrolment, step=foreign)
    assert not Statement.objects.exists()


@pytest.mark.parametrize("status", [EnrolmentStatus.WITHDRAWN, EnrolmentStatus.PENDING])
def test_services_step_view_refuses_enrolment_not_followed(learner, module, status):
    """Nothing is recorded for a withdrawn or pending enrolment."""
    read, *_ = course(module)
    enrolment = f.enrolment(user=learner, module=module, status=status)

    with pytest.raises(services.EnrolmentError):
        services.step_view(actor=learner, enrolment=enrolment, step=read)
    assert not Statement.objects.exists()


def test_services_video_event_paused_carries_profile_extensions(learner, module):
    """A paused video event carries time, progress and played segments (xAPI Video Profile)."""
    read, *_ = course(module)
    enrolment = f.enrolment(user=learner, module=module)
    session = uuid.uuid4()

    services.video_event(
        actor=learner,
        enrolment=enrolment,
        step=read,
        video_id="intro",
        event="paused",
        time=42.5,
        progress=0.354,
        played_segments=[(0, 30), (35.25, 42.5)],
        length=120,
        session_id=session,
    )

    [paused] = statements_of(enrolment)
    assert paused["verb"]["id"] == "https://w3id.org/xapi/video/verbs/paused"
    assert paused["object"]["id"] == f"{read.activity_iri}/video/intro"
    assert paused["object"]["definition"]["type"] == (
        "https://w3id.org/xapi/video/activity-type/video"
    )
    assert paused["result"]["extensions"] == {
        "https://w3id.org/xapi/video/extensions/time": 42.5,
        "https://w3id.org/xapi/video/extensions/progress": 0.354,
        "https://w3id.org/xapi/video/extensions/played-segments": "0.0[.]30.0[,]35.25[.]42.5",
    }
    assert paused["context"]["extensions"] == {
        "https://w3id.org/xapi/video/extensions/length": 120.0,
        "https://w3id.org/xapi/video/extensions/session-id": str(session),
    }
    assert parents(paused) == [read.activity_iri, module.activity_iri]


def test_services_video_event_seeked_and_completed(learner, module):
    """Seeked carries time-from/time-to; completed carries completion and progress."""
    read, *_ = course(module)
    enrolment = f.enrolment(user=learner, module=module)

    services.video_event(
        actor=learner, enrolment=enrolment, step=read, video_id="v", event="seeked",
        time_from=10, time_to=60,
    )  # fmt: skip
    services.video_event(
        actor=learner, enrolment=enrolment, step=read, video_id="v", event="completed",
        time=120, progress=1,
    )  # fmt: skip

    seeked, completed = statements_of(enrolment)
    assert seeked["result"]["extensions"] == {
        "https://w3id.org/xapi/video/extensions/time-from": 10.0,
        "https://w3id.org/xapi/video/extensions/time-to": 60.0,
    }
    assert completed["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    assert completed["result"]["completion"] is True
    assert completed["result"]["extensions"]["https://w3id.org/xapi/video/extensions/progress"] == 1


@pytest.mark.parametrize(
    ("event", "fields"),
    [("rewound", {"time": 1}), ("seeked", {"time": 1}), ("paused", {"time": 1, "progress": 2})],
)
def test_services_video_event_refuses_malformed_events(learner, module, event, fields):
    """An unknown event, a seek without its ends or a progress above 1 is refused."""
    read, *_ = course(module)
    enrolment = f.enrolment(user=learner, module=module)

    with pytest.raises(ValueError):
        services.video_event(
            actor=learner, enrolment=enrolment, step=read, video_id="v", event=event, **fields
        )
    assert not Statement.objects.exists()


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_services_step_page_served_launches_once_then_views(learner, module):
    """The page hook records `launched` on the first visit only, and `experienced` each time."""
    read, quiz, *_ = course(module)
    enrolment = f.enrolment(user=learner, module=module)

    request = _request(learner)
    assert services.step_page_served(request, read).pk == enrolment.pk
    assert request.courses_enrolment.pk == enrolment.pk
    services.step_page_served(_request(learner), quiz)

    verbs = [(s["verb"]["id"], s["object"]["id"]) for s in statements_of(enrolment)]
    assert verbs == [
        (LAUNCHED, module.activity_iri),
        (EXPERIENCED, read.activity_iri),
        (EXPERIENCED, quiz.activity_iri),
    ]


def test_services_step_page_served_records_nothing_for_others(learner, outsider, module):
    """Visitors who do not follow the module, and CMS previews, record nothing."""
    read, *_ = course(module)
    f.enrolment(user=learner, module=module)
    preview = _request(learner)
    preview.is_preview = True

    assert services.step_page_served(_request(outsider), read) is None
    assert services.step_page_served(preview, read) is None
    assert not Statement.objects.exists()


def test_services_step_view_moves_last_activity_at_most_once_a_minute(learner, module):
    """Clicking through steps does not rewrite the enrolment each time; a minute later it does."""
    read, *_ = course(module)
    enrolment = services.enrolment_create(actor=learner, module=module)
    services.step_view(actor=learner, enrolment=enrolment, step=read)
    first = Enrolment.objects.get().last_activity_at

    services.step_view(actor=learner, enrolment=enrolment, step=read)
    assert Enrolment.objects.get().last_activity_at == first

    Enrolment.objects.update(last_activity_at=first - services.TOUCH_INTERVAL)
    enrolment.refresh_from_db()
    services.step_view(actor=learner, enrolment=enrolment, step=read)
    assert Enrolment.objects.get().last_activity_at > first
