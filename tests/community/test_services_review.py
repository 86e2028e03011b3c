"""The review state machine: every transition allowed and refused, logged, notified, recorded."""

from __future__ import annotations

import pytest
from django.test import override_settings

from campus.models import Academy
from campus.roles import Role
from community import services_review as review
from community.models import (
    CommunityKind,
    MemberRole,
    Notification,
    NotificationKind,
    ResourceState,
    ResourceTransition,
    Review,
    ReviewStatus,
)
from lrs import api
from tests.campus.factories import UserFactory
from tests.community import review_helpers as h
from tests.community.factories import (
    CommunityFactory,
    ResourceFactory,
    ReviewFactory,
    member,
    new_revision,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site_in_english(settings):
    """Notifications are written in the site's language: English here (the msgids)."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def w(learner, trainer):
    """Claire's draft in Karim's community of Lyon, three reviewers, one banned member."""
    return h.world(animateur=trainer, author=learner)


def _notified(user, kind=NotificationKind.REVIEW) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, kind=kind).values_list("text", flat=True)
    )


# --- Submission ------------------------------------------------------------------------------


def test_services_review_submit_logs_notifies_and_records_shared(w):
    """Authors submit a draft: logged with its revision, animateurs told, `shared` recorded."""
    step = review.resource_submit(actor=w.author, resource=w.resource, note="Prête.")

    w.resource.refresh_from_db()
    assert w.resource.state == ResourceState.SUBMITTED
    assert (step.from_state, step.to_state, step.actor, step.note) == (
        ResourceState.DRAFT,
        ResourceState.SUBMITTED,
        w.author,
        "Prête.",
    )
    assert step.revision == w.resource.current_revision
    assert _notified(w.animateur) == [
        "Claire Martin submitted « Les fractions au cycle 3 » for review."
    ]
    [statement] = h.statements(w.resource, api.SHARED)
    assert statement["actor"]["mbox"] == "mailto:claire.martin@ac-lyon.fr"
    assert statement["context"]["contextActivities"]["parent"][0]["definition"]["type"] == (
        api.ACTIVITY_COMMUNITY
    )


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"rights_confirmed": False}, id="rights-not-confirmed"),
        pytest.param({"licence": ""}, id="no-licence"),
        pytest.param({"current_revision": None}, id="no-revision"),
        pytest.param({"state": ResourceState.SUBMITTED}, id="not-a-draft"),
    ],
)
def test_services_review_submit_refused_before_the_checks(w, change):
    """No submission without the rights check, a licence, a saved version, or twice."""
    for name, value in change.items():
        setattr(w.resource, name, value)
    w.resource.save()

    with pytest.raises(review.ReviewError) as refused:
        review.resource_submit(actor=w.author, resource=w.resource)

    assert refused.value.code == review.CONFLICT
    assert not ResourceTransition.objects.exists()


def test_services_review_submit_refused_to_others_than_active_authors(w):
    """A member who is not an author, or a banned author, cannot submit."""
    w.resource.authors.add(w.banned)
    for person in (w.reviewers[0], w.banned, w.animateur):
        with pytest.raises(review.ReviewError) as refused:
            review.resource_submit(actor=person, resource=w.resource)
        assert refused.value.code == review.FORBIDDEN
    assert w.resource.state == ResourceState.DRAFT


# --- Reviewers -------------------------------------------------------------------------------


def test_services_review_first_volunteer_puts_the_resource_in_review(w):
    """The first reviewer moves it to "in review" (logged once); each is recorded `accepted`."""
    h.submitted(w)

    first = review.review_volunteer(actor=w.reviewers[0], resource=w.resource)
    review.review_volunteer(actor=w.reviewers[1], resource=w.resource)

    assert w.resource.state == ResourceState.IN_REVIEW
    assert first.revision == w.resource.current_revision
    assert first.status == ReviewStatus.ASSIGNED
    steps = list(w.resource.transitions.values_list("to_state", flat=True))
    assert steps == [ResourceState.SUBMITTED, ResourceState.IN_REVIEW]
    assert len(h.statements(w.resource, api.ACCEPTED)) == 2
    assert len(_notified(w.author)) == 2


def test_services_review_assign_notifies_the_reviewer(w):
    """An animateur assigns a member: the reviewer is told, `assigned` is recorded."""
    h.submitted(w)

    assigned = review.review_assign(actor=w.animateur, resource=w.resource, reviewer=w.reviewers[2])

    assert assigned.assigned_by == w.animateur
    assert w.resource.state == ResourceState.IN_REVIEW
    assert len(_notified(w.reviewers[2])) == 1
    [statement] = h.statements(w.resource, api.ASSIGNED)
    assert statement["actor"]["mbox"] == "mailto:karim.benali@ac-lyon.fr"


def test_services_review_own_work_cannot_be_reviewed(w):
    """Authors can neither volunteer for their resource nor be assigned to it."""
    h.submitted(w)
    w.resource.authors.add(w.reviewers[0])

    for attempt in (
        lambda: review.review_volunteer(actor=w.author, resource=w.resource),
        lambda: review.review_volunteer(actor=w.reviewers[0], resource=w.resource),
        lambda: review.review_assign(actor=w.animateur, resource=w.resource, reviewer=w.author),
    ):
        with pytest.raises(review.ReviewError, match="own resource"):
            attempt()
    assert not Review.objects.exists()


def test_services_review_reviewers_refused_when_not_members_or_not_awaited(w, outsider):
    """Outsiders and banned members cannot review; nor can anyone review a draft, or twice."""
    with pytest.raises(review.ReviewError, match="not awaiting reviews"):
        review.review_volunteer(actor=w.reviewers[0], resource=w.resource)
    h.submitted(w)
    for person in (outsider, w.banned):
        with pytest.raises(review.ReviewError) as refused:
            review.review_volunteer(actor=person, resource=w.resource)
        assert refused.value.code == review.FORBIDDEN
    review.review_volunteer(actor=w.reviewers[0], resource=w.resource)
    with pytest.raises(review.ReviewError, match="already has a review"):
        review.review_assign(actor=w.animateur, resource=w.resource, reviewer=w.reviewers[0])
    assert Review.objects.count() == 1


def test_services_review_only_animateurs_assign(w):
    """A plain member cannot assign a reviewer."""
    h.submitted(w)

    with pytest.raises(review.ReviewError) as refused:
        review.review_assign(actor=w.reviewers[0], resource=w.resource, reviewer=w.reviewers[1])

    assert refused.value.code == review.FORBIDDEN
    assert w.resource.state == ResourceState.SUBMITTED


def test_services_review_decline(w):
    """The reviewer declines an open review (reason kept), nobody else can, nor twice."""
    [assigned] = h.in_review(w)

    with pytest.raises(review.ReviewError):
        review.review_decline(actor=w.reviewers[1], review=assigned)
    declined = review.review_decline(
        actor=w.reviewers[0], review=assigned, reason="<b>Pas le temps</b><script>x</script>"
    )

    assert declined.status == ReviewStatus.DECLINED
    assert declined.comment == "<b>Pas le temps</b>"
    assert len(_notified(w.animateur)) == 3  # Submitted, volunteered, declined.
    assert len(h.statements(w.resource, api.REJECTED)) == 1
    with pytest.raises(review.ReviewError, match="no longer open"):
        review.review_decline(actor=w.reviewers[0], review=declined)


# --- Reviews and answers ---------------------------------------------------------------------


def test_services_review_submit_review_scores_sanitises_and_records(w):
    """The rubric is stored, the comment sanitised, `reviewed` recorded with the average."""
    [assigned] = h.in_review(w)

    done = review.review_submit(
        actor=w.reviewers[0],
        review=assigned,
        scores={
            "scientific_accuracy": 4,
            "pedagogical_value": 3,
            "feasibility": 3,
            "accessibility": 2,
            "rights": 4,
        },
        comment='<p>Très bien.</p><a href="javascript:alert(1)" onclick="x()">lien</a>',
    )

    assert done.status == ReviewStatus.SUBMITTED
    assert done.average == pytest.approx(3.2)
    assert "javascript" not in done.comment and "onclick" not in done.comment
    assert done.comment.startswith("<p>Très bien.</p>")
    [statement] = h.statements(w.resource, api.REVIEWED)
    assert statement["result"]["score"] == {"raw": 3.2, "min": 1, "max": 4, "scaled": 0.7333}
    assert len(_notified(w.author)) == 2  # In review, reviewed.


@pytest.mark.parametrize(
    ("given", "comment"),
    [
        pytest.param({"rights": 5}, "ok", id="score-out-of-range"),
        pytest.param({"rights": None}, "ok", id="score-missing"),
        pytest.param({}, "  <script>x</script> ", id="empty-comment"),
    ],
)
def test_services_review_submit_review_refuses_bad_input(w, given, comment):
    """Every criterion 1 to 4 and a comment are needed; nothing is stored otherwise."""
    [assigned] = h.in_review(w)
    values = {**h.scores(3), **given}
    values = {k: v for k, v in values.items() if v is not None}

    with pytest.raises(review.ReviewError) as refused:
        review.review_submit(actor=w.reviewers[0], review=assigned, scores=values, comment=comment)

    assert refused.value.code == review.INVALID
    assigned.refresh_from_db()
    assert assigned.status == ReviewStatus.ASSIGNED


def test_services_review_submit_review_refused_to_others_and_when_stale(w):
    """Only the reviewer writes their review, and only of the current revision."""
    [assigned] = h.in_review(w)
    with pytest.raises(review.ReviewError) as refused:
        review.review_submit(
            actor=w.reviewers[1], review=assigned, scores=h.scores(3), comment="ok"
        )
    assert refused.value.code == review.FORBIDDEN

    new_revision(w.resource)
    with pytest.raises(review.ReviewError, match="out of date"):
        review.review_submit(
            actor=w.reviewers[0], review=assigned, scores=h.scores(3), comment="ok"
        )


def test_services_review_answer(w):
    """Authors answer a submitted review (sanitised), the reviewer is told; others cannot."""
    [done] = h.reviewed(w, 3)

    with pytest.raises(review.ReviewError):
        review.review_answer(actor=w.reviewers[1], review=done, answer="Je réponds")
    answered = review.review_answer(
        actor=w.author, review=done, answer="Merci !<img src=x onerror=alert(1)>"
    )

    assert answered.author_answer == "Merci !"
    assert len(_notified(w.reviewers[0])) == 1


def test_services_review_answer_refused_on_an_open_review(w):
    """A review not yet submitted cannot be answered."""
    [assigned] = h.in_review(w)

    with pytest.raises(review.ReviewError, match="submitted review"):
        review.review_answer(actor=w.author, review=assigned, answer="?")


# --- Changes requested and revised ------------------------------------------------------------


def test_services_review_request_changes_needs_a_review_and_an_animateur(w):
    """Changes are asked by an animateur from at least one review of the current revision."""
    [open_review] = h.in_review(w)
    with pytest.raises(review.ReviewError, match="wait for a first review"):
        review.resource_request_changes(actor=w.animateur, resource=w.resource)

    review.review_submit(
        actor=w.reviewers[0], review=open_review, scores=h.scores(2), comment="À revoir."
    )
    with pytest.raises(review.ReviewError) as refused:
        review.resource_request_changes(actor=w.reviewers[1], resource=w.resource)
    assert refused.value.code == review.FORBIDDEN

    step = review.resource_request_changes(actor=w.animateur, resource=w.resource, note="Phase 2")
    assert step.to_state == ResourceState.CHANGES_REQUESTED
    assert step.revision == w.resource.current_revision
    assert len(_notified(w.author)) == 3  # In review, reviewed, changes requested.
    assert len(h.statements(w.resource, api.REQUESTED)) == 1


def test_services_review_revise_needs_a_new_revision_and_every_answer(w):
    """Authors mark it revised only after saving a new revision and answering each review."""
    reviews = h.changes_requested(w)

    with pytest.raises(review.ReviewError, match="new version"):
        review.resource_revise(actor=w.author, resource=w.resource)
    new_revision(w.resource)
    with pytest.raises(review.ReviewError, match="Answer every review"):
        review.resource_revise(actor=w.author, resource=w.resource)
    for r in reviews:
        review.review_answer(actor=w.author, review=r, answer="Fait.")
    with pytest.raises(review.ReviewError) as refused:
        review.resource_revise(actor=w.reviewers[0], resource=w.resource)
    assert refused.value.code == review.FORBIDDEN

    step = review.resource_revise(actor=w.author, resource=w.resource)

    assert (step.from_state, step.to_state) == (
        ResourceState.CHANGES_REQUESTED,
        ResourceState.REVISED,
    )
    assert len(_notified(w.reviewers[0])) == 2  # Answered, revised.
    assert len(h.statements(w.resource, api.UPDATED)) == 1


def test_services_review_revise_moves_open_reviews_to_the_new_revision(w):
    """A reviewer assigned but not done yet reviews the revision the authors stand by now."""
    reviews = h.changes_requested(w)
    # The third reviewer was asked before the changes and has not written yet.
    pending = ReviewFactory(
        resource=w.resource, reviewer=w.reviewers[2], revision=w.resource.current_revision
    )
    for r in reviews:
        review.review_answer(actor=w.author, review=r, answer="Fait.")
    revision = new_revision(w.resource)

    review.resource_revise(actor=w.author, resource=w.resource)

    pending.refresh_from_db()
    assert pending.revision == revision
    assert pending.status == ReviewStatus.ASSIGNED


def test_services_review_revised_goes_back_in_review_with_a_new_reviewer(w):
    """Revised, then a reviewer of the new revision: back in review."""
    h.revised(w)

    review.review_volunteer(actor=w.reviewers[0], resource=w.resource)

    assert w.resource.state == ResourceState.IN_REVIEW
    assert list(w.resource.transitions.values_list("to_state", flat=True))[-2:] == [
        ResourceState.REVISED,
        ResourceState.IN_REVIEW,
    ]


# --- Publication -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "allowed"),
    [
        pytest.param((), False, id="no-review"),
        pytest.param((4,), False, id="one-above"),
        pytest.param((4, 2), False, id="two-one-below"),
        pytest.param((3, 4), True, id="two-above"),
        pytest.param((2, 3, 4), True, id="two-above-of-three"),
    ],
)
def test_services_review_publish_needs_two_reviews_above_the_threshold(w, values, allowed):
    """Publication needs two submitted reviews of the current revision above 2.5."""
    if values:
        h.reviewed(w, *values)
    else:
        h.in_review(w)

    if allowed:
        review.resource_publish(actor=w.animateur, resource=w.resource)
        assert w.resource.state == ResourceState.PUBLISHED
        assert w.resource.published_at is not None
        assert len(h.statements(w.resource, api.PUBLISHED)) == 1
    else:
        with pytest.raises(review.ReviewError, match="at least 2 reviews"):
            review.resource_publish(actor=w.animateur, resource=w.resource)
        assert w.resource.state == ResourceState.IN_REVIEW
        assert not h.statements(w.resource, api.PUBLISHED)


def test_services_review_publish_ignores_reviews_of_older_revisions(w):
    """Two good reviews of revision 1 do not count once revision 2 is current."""
    h.revised(w)  # Reviews of revision 1 scored 3 and 2, then revision 2 saved.
    ReviewFactory(
        resource=w.resource,
        reviewer=w.reviewers[2],
        revision=w.resource.revisions.get(number=1),
        score=4,
    )
    ReviewFactory(resource=w.resource, reviewer=w.reviewers[0], score=4)  # Revision 2.

    with pytest.raises(review.ReviewError, match="it has 1"):
        review.resource_publish(actor=w.animateur, resource=w.resource)

    ReviewFactory(resource=w.resource, reviewer=w.reviewers[1], score=3)
    review.resource_publish(actor=w.animateur, resource=w.resource)
    assert w.resource.state == ResourceState.PUBLISHED


@override_settings(COMMUNITY_REVIEW_THRESHOLD=3.5)
def test_services_review_publish_threshold_is_a_setting(w):
    """With COMMUNITY_REVIEW_THRESHOLD at 3.5, two reviews at 3 are not enough."""
    h.reviewed(w, 3, 3)

    with pytest.raises(review.ReviewError, match=r"above 3\.5"):
        review.resource_publish(actor=w.animateur, resource=w.resource)


def test_services_review_publish_is_the_animateurs_decision(w):
    """Members, reviewers and authors cannot publish; nor can anyone publish a draft."""
    with pytest.raises(review.ReviewError, match="in review"):
        review.resource_publish(actor=w.animateur, resource=w.resource)
    h.reviewed(w, 4, 4)
    for person in (w.author, w.reviewers[0], w.banned):
        with pytest.raises(review.ReviewError) as refused:
            review.resource_publish(actor=person, resource=w.resource)
        assert refused.value.code == review.FORBIDDEN


def test_services_review_publish_refused_without_the_rights_check(w):
    """A resource whose rights check was undone is not published."""
    h.reviewed(w, 4, 4)
    w.resource.rights_confirmed = False
    w.resource.save()

    with pytest.raises(review.ReviewError, match="rights"):
        review.resource_publish(actor=w.animateur, resource=w.resource)


# --- Promotion -------------------------------------------------------------------------------


def test_services_review_promote_in_academy_by_its_inspector(w, inspector):
    """Sophie, inspector in Lyon, promotes a published resource of Lyon: `promoted` recorded."""
    h.published(w)

    step = review.resource_promote_in_academy(actor=inspector, resource=w.resource)

    assert step.to_state == ResourceState.PROMOTED_ACADEMY
    [statement] = h.statements(w.resource, api.PROMOTED)
    [scope] = statement["context"]["extensions"].values()
    assert scope == "academy"
    assert any("académie" in text for text in _notified(w.author))


def test_services_review_promote_in_academy_by_an_academy_community_animateur(w):
    """An animateur of an académie community of Lyon may promote; a discipline animateur not."""
    h.published(w)
    lyon = CommunityFactory(kind=CommunityKind.ACADEMY, academy=Academy.objects.get(slug="lyon"))
    academy_animateur = member(lyon, UserFactory(), role=MemberRole.ANIMATEUR).user

    with pytest.raises(review.ReviewError) as refused:
        review.resource_promote_in_academy(actor=w.animateur, resource=w.resource)
    assert refused.value.code == review.FORBIDDEN
    review.resource_promote_in_academy(actor=academy_animateur, resource=w.resource)
    assert w.resource.state == ResourceState.PROMOTED_ACADEMY


def test_services_review_promote_in_academy_refused(w):
    """Not by an inspector of another académie, and not before publication."""
    grenoble = UserFactory(roles=[Role.INSPECTOR], academy=Academy.objects.get(slug="grenoble"))
    lyon_inspector = UserFactory(roles=[Role.INSPECTOR])
    h.reviewed(w, 4, 4)

    with pytest.raises(review.ReviewError, match="published"):
        review.resource_promote_in_academy(actor=lyon_inspector, resource=w.resource)
    review.resource_publish(actor=w.animateur, resource=w.resource)
    with pytest.raises(review.ReviewError) as refused:
        review.resource_promote_in_academy(actor=grenoble, resource=w.resource)
    assert refused.value.code == review.FORBIDDEN


def test_services_review_promote_nationally_by_content_moderators(w, inspector, moderator):
    """After the académie, a content moderator promotes nationally; an inspector cannot."""
    h.published(w)
    with pytest.raises(review.ReviewError, match="promoted in its académie"):
        review.resource_promote_nationally(actor=moderator, resource=w.resource)
    review.resource_promote_in_academy(actor=inspector, resource=w.resource)
    with pytest.raises(review.ReviewError) as refused:
        review.resource_promote_nationally(actor=inspector, resource=w.resource)
    assert refused.value.code == review.FORBIDDEN

    review.resource_promote_nationally(actor=moderator, resource=w.resource)

    assert w.resource.state == ResourceState.PROMOTED_NATIONAL
    scopes = [
        next(iter(s["context"]["extensions"].values()))
        for s in h.statements(w.resource, api.PROMOTED)
    ]
    assert scopes == ["academy", "national"]


# --- Withdrawal ------------------------------------------------------------------------------


def test_services_review_withdraw_by_authors_then_resubmit(w):
    """Authors withdraw from review (`retracted`), and may submit again later."""
    h.in_review(w)

    review.resource_withdraw(actor=w.author, resource=w.resource, note="À reprendre")
    assert w.resource.state == ResourceState.WITHDRAWN
    assert len(h.statements(w.resource, api.RETRACTED)) == 1
    with pytest.raises(review.ReviewError, match="already withdrawn"):
        review.resource_withdraw(actor=w.author, resource=w.resource)

    review.resource_submit(actor=w.author, resource=w.resource)
    assert w.resource.state == ResourceState.SUBMITTED


def test_services_review_withdraw_promoted_needs_an_animateur(w, inspector):
    """A promoted resource is withdrawn by an animateur, not by its authors."""
    h.published(w)
    review.resource_promote_in_academy(actor=inspector, resource=w.resource)

    with pytest.raises(review.ReviewError, match="promoted") as refused:
        review.resource_withdraw(actor=w.author, resource=w.resource)
    assert refused.value.code == review.FORBIDDEN
    review.resource_withdraw(actor=w.animateur, resource=w.resource)
    assert w.resource.state == ResourceState.WITHDRAWN


def test_services_review_withdraw_refused_to_others(w, outsider):
    """Members who are not authors, outsiders and banned authors cannot withdraw."""
    h.submitted(w)
    w.resource.authors.add(w.banned)
    for person in (w.reviewers[0], outsider, w.banned):
        with pytest.raises(review.ReviewError):
            review.resource_withdraw(actor=person, resource=w.resource)
    assert w.resource.state == ResourceState.SUBMITTED


def test_services_review_archived_community_freezes_the_review(w):
    """Nothing moves in an archived community."""
    w.community.archived = True
    w.community.save()

    with pytest.raises(review.ReviewError, match="archived"):
        review.resource_submit(actor=w.author, resource=w.resource)


# --- The whole way, and what the panel offers -------------------------------------------------


def test_services_review_the_whole_way_is_logged_in_order(w, inspector, moderator):
    """Draft to national promotion: each step logged in order with the revision it concerned."""
    h.revised(w)
    for person in w.reviewers[:2]:
        open_review = review.review_volunteer(actor=person, resource=w.resource)
        review.review_submit(actor=person, review=open_review, scores=h.scores(4), comment="ok")
    review.resource_publish(actor=w.animateur, resource=w.resource)
    review.resource_promote_in_academy(actor=inspector, resource=w.resource)
    review.resource_promote_nationally(actor=moderator, resource=w.resource)

    steps = list(w.resource.transitions.values_list("to_state", "revision__number"))
    assert steps == [
        (ResourceState.SUBMITTED, 1),
        (ResourceState.IN_REVIEW, 1),
        (ResourceState.CHANGES_REQUESTED, 1),
        (ResourceState.REVISED, 2),
        (ResourceState.IN_REVIEW, 2),
        (ResourceState.PUBLISHED, 2),
        (ResourceState.PROMOTED_ACADEMY, 2),
        (ResourceState.PROMOTED_NATIONAL, 2),
    ]


def test_services_review_allowed_transitions_follow_the_guards(w):
    """The panel offers each person exactly what their guards let them do."""
    assert review.allowed_transitions(w.author, w.resource) == ["submit", "withdraw"]
    assert review.allowed_transitions(w.reviewers[0], w.resource) == []
    assert review.allowed_transitions(w.animateur, w.resource) == ["withdraw"]
    h.reviewed(w, 4, 3)
    assert review.allowed_transitions(w.animateur, w.resource) == [
        "request_changes",
        "publish",
        "withdraw",
    ]
    assert review.allowed_transitions(w.author, w.resource) == ["withdraw"]


def test_services_review_resource_without_academy_cannot_be_promoted_in_one(inspector):
    """A resource whose community and creator have no académie has none to be promoted in."""
    creator = UserFactory(academy=None)
    resource = ResourceFactory(created_by=creator, state=ResourceState.PUBLISHED)

    with pytest.raises(review.ReviewError, match="no académie"):
        review.resource_promote_in_academy(actor=inspector, resource=resource)
