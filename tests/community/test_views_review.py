"""Peer review pages over HTTP: who sees what, who may take which step, and the refusals."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from community import services_review as review
from community.models import ResourceState, Review, ReviewStatus
from tests.community import review_helpers as h
from tests.community.factories import ResourceFactory, new_revision

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def client(client, settings):
    """A browser that asked for the English interface (the msgids)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def w(learner, trainer):
    """Claire's draft in Karim's community of Lyon, three members, one banned."""
    return h.world(animateur=trainer, author=learner)


def _page(w) -> str:
    return reverse("community:resource_review", args=[w.resource.pk])


def _step(client, w, action: str, **data):
    return client.post(
        reverse("community:resource_transition", args=[w.resource.pk]),
        {"action": action, **data},
    )


# --- The review page and its panel ------------------------------------------------------------


def test_views_review_page_anonymous_is_sent_to_log_in(client, w):
    """Anonymous visitors are asked to sign in."""
    response = client.get(_page(w))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["outsider", "banned"])
def test_views_review_page_not_found_for_non_members(client, w, outsider, who):
    """A resource in review does not exist for outsiders and banned members."""
    h.submitted(w)
    client.force_login(outsider if who == "outsider" else w.banned)

    assert client.get(_page(w)).status_code == 404


def test_views_review_page_offers_each_person_their_steps(client, w):
    """The author may submit a draft; once submitted, a member may volunteer, Karim assign."""
    client.force_login(w.author)
    page = client.get(_page(w)).content.decode()
    assert 'value="submit"' in page
    assert "Draft" in page

    h.submitted(w)
    client.force_login(w.reviewers[0])
    page = client.get(_page(w)).content.decode()
    assert 'value="submit"' not in page
    assert reverse("community:review_volunteer", args=[w.resource.pk]) in page
    assert reverse("community:review_assign", args=[w.resource.pk]) not in page

    client.force_login(w.animateur)
    page = client.get(_page(w)).content.decode()
    assert reverse("community:review_assign", args=[w.resource.pk]) in page


def test_views_review_page_shows_reviews_answers_and_history(client, w):
    """Scores, the sanitised comment, the authors' answer and each step are on the page."""
    [done] = h.reviewed(w, 3)
    review.review_answer(actor=w.author, review=done, answer="Merci, corrigé en phase 2.")
    client.force_login(w.reviewers[1])

    page = client.get(_page(w)).content.decode()

    assert "Scientific accuracy" in page
    assert "<p>Clair et faisable.</p>" in page
    assert "<p>Merci, corrigé en phase 2.</p>" in page
    assert "Draft → Submitted for review" in page
    assert "Submitted for review → In review" in page


def test_views_review_page_queries_do_not_grow_with_reviews(client, w, django_assert_num_queries):
    """The panel reads the reviews and the history in a fixed number of queries."""
    h.reviewed(w, 3, 4)
    client.force_login(w.author)
    with django_assert_num_queries(32):
        client.get(_page(w))

    third = review.review_volunteer(actor=w.reviewers[2], resource=w.resource)
    review.review_submit(actor=w.reviewers[2], review=third, scores=h.scores(2), comment="ok")
    with django_assert_num_queries(32):
        client.get(_page(w))


def test_views_review_page_is_on_the_resource_page(client, w):
    """The resource's own page includes the review panel."""
    client.force_login(w.author)

    page = client.get(reverse("community:resource_detail", args=[w.resource.pk])).content.decode()

    assert 'id="review-panel-title"' in page
    assert 'value="submit"' in page


def test_views_review_panel_for_anonymous_readers_of_a_published_resource(client, w):
    """Anonymous readers of a published resource see its state, not the reviewers' names."""
    h.published(w)
    reviewer = str(w.reviewers[0])

    page = client.get(reverse("community:resource_detail", args=[w.resource.pk])).content.decode()

    assert 'id="review-panel-title"' in page
    assert "Sign in to read the reviews." in page
    assert reviewer not in page
    assert "csrfmiddlewaretoken" not in page.split('id="review-panel-title"')[1]


# --- Steps -----------------------------------------------------------------------------------


def test_views_review_step_submit_by_the_author(client, w):
    """The author submits: back to the review page with a message, the state moved."""
    client.force_login(w.author)

    response = _step(client, w, "submit", note="Prête")

    assert response.status_code == 302
    assert response["Location"] == _page(w)
    w.resource.refresh_from_db()
    assert w.resource.state == ResourceState.SUBMITTED
    assert w.resource.transitions.get().note == "Prête"


def test_views_review_step_refused_to_a_member_is_403(client, w):
    """A member who is not an author gets a 403 with the reason; nothing moves."""
    h.submitted(w)
    client.force_login(w.reviewers[0])

    response = _step(client, w, "withdraw")

    assert response.status_code == 403
    assert "Only the resource&#x27;s authors can do this." in response.content.decode()
    w.resource.refresh_from_db()
    assert w.resource.state == ResourceState.SUBMITTED


def test_views_review_step_in_the_wrong_state_is_409(client, w):
    """Publishing without the reviews is a conflict, with the publication rule stated."""
    h.reviewed(w, 4)
    client.force_login(w.animateur)

    response = _step(client, w, "publish")

    assert response.status_code == 409
    assert "Publication needs at least 2 reviews" in response.content.decode()
    w.resource.refresh_from_db()
    assert w.resource.state == ResourceState.IN_REVIEW


def test_views_review_step_publish_by_the_animateur(client, w):
    """With two good reviews, Karim publishes; `next` on this site is followed."""
    h.reviewed(w, 3, 4)
    client.force_login(w.animateur)
    detail = reverse("community:resource_detail", args=[w.resource.pk])

    response = _step(client, w, "publish", next=detail)

    assert response.status_code == 302
    assert response["Location"] == detail
    w.resource.refresh_from_db()
    assert w.resource.state == ResourceState.PUBLISHED


def test_views_review_step_ignores_next_off_site_and_unknown_steps(client, w):
    """An off-site `next` falls back to the review page; an unknown step is a 400."""
    client.force_login(w.author)

    assert _step(client, w, "explode").status_code == 400
    response = _step(client, w, "submit", next="https://evil.example/")
    assert response["Location"] == _page(w)


def test_views_review_step_outsider_gets_404(client, w, outsider):
    """Someone who cannot read the resource cannot act on it either."""
    h.submitted(w)
    client.force_login(outsider)

    assert _step(client, w, "withdraw").status_code == 404


def test_views_review_step_needs_the_csrf_token(w):
    """Steps are POSTs protected against cross-site requests."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(w.author)

    assert _step(client, w, "submit").status_code == 403
    w.resource.refresh_from_db()
    assert w.resource.state == ResourceState.DRAFT


def test_views_review_volunteer_then_write_the_review(client, w):
    """A member volunteers, lands on the rubric, scores it and submits."""
    h.submitted(w)
    client.force_login(w.reviewers[0])

    response = client.post(reverse("community:review_volunteer", args=[w.resource.pk]))
    own = Review.objects.get(reviewer=w.reviewers[0])
    write = reverse("community:review_write", args=[own.pk])
    assert response["Location"] == write
    page = client.get(write).content.decode()
    assert 'type="radio"' in page and "Feasibility in class" in page

    response = client.post(write, {**h.scores(3), "comment": "<p>Bien.</p><script>x</script>"})

    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == ReviewStatus.SUBMITTED
    assert own.comment == "<p>Bien.</p>"  # The script is gone.


def test_views_review_volunteer_own_work_is_403(client, w):
    """The author cannot volunteer to review their resource."""
    h.submitted(w)
    client.force_login(w.author)

    response = client.post(reverse("community:review_volunteer", args=[w.resource.pk]))

    assert response.status_code == 403
    assert "own resource" in response.content.decode()
    assert not Review.objects.exists()


def test_views_review_write_refusals(client, w):
    """A missing score is a 400 on the form; another's review a 404; a stale one a 409."""
    [own] = h.in_review(w)
    write = reverse("community:review_write", args=[own.pk])
    client.force_login(w.reviewers[1])
    assert client.get(write).status_code == 404

    client.force_login(w.reviewers[0])
    response = client.post(write, {**h.scores(3), "rights": "", "comment": "ok"})
    assert response.status_code == 400
    assert "fr-fieldset--error" in response.content.decode()

    new_revision(w.resource)
    response = client.post(write, {**h.scores(3), "comment": "ok"})
    assert response.status_code == 409
    own.refresh_from_db()
    assert own.status == ReviewStatus.ASSIGNED


def test_views_review_decline(client, w):
    """The reviewer declines from the review form's page."""
    [own] = h.in_review(w)
    client.force_login(w.reviewers[0])

    response = client.post(
        reverse("community:review_decline", args=[own.pk]), {"reason": "Pas disponible"}
    )

    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == ReviewStatus.DECLINED


def test_views_review_answer_by_the_author_only(client, w):
    """The author answers a review; a member who is not an author gets a 403."""
    [done] = h.reviewed(w, 3)
    answer = reverse("community:review_answer", args=[done.pk])
    client.force_login(w.reviewers[1])
    assert client.get(answer).status_code == 403

    client.force_login(w.author)
    assert client.get(answer).status_code == 200
    response = client.post(answer, {"answer": "Merci !"})

    assert response.status_code == 302
    done.refresh_from_db()
    assert done.author_answer == "<p>Merci !</p>"  # Plain text makes a paragraph.


def test_views_review_assign_by_the_animateur(client, w):
    """Karim picks among members who are not authors; a member cannot open the form."""
    h.submitted(w)
    assign = reverse("community:review_assign", args=[w.resource.pk])
    client.force_login(w.reviewers[0])
    assert client.get(assign).status_code == 403

    client.force_login(w.animateur)
    page = client.get(assign).content.decode()
    assert str(w.reviewers[2]) in page
    assert "Claire Martin" not in page  # The author is not offered.
    assert client.post(assign, {"reviewer": w.author.pk}).status_code == 400

    response = client.post(assign, {"reviewer": w.reviewers[2].pk})

    assert response.status_code == 302
    assert Review.objects.get().reviewer == w.reviewers[2]


# --- The queue -------------------------------------------------------------------------------


def test_views_review_queue_for_members(client, w, django_assert_num_queries):
    """Members see the resources awaiting reviews and their own reviews to write."""
    h.in_review(w, reviewers=2)
    for _ in range(3):  # More rows, not more queries.
        review.resource_submit(
            actor=w.author, resource=ResourceFactory(community=w.community, created_by=w.author)
        )
    client.force_login(w.reviewers[0])
    url = reverse("community:review_queue", args=[w.community.slug])

    with django_assert_num_queries(11):
        page = client.get(url).content.decode()

    assert "Les fractions au cycle 3" in page
    assert "Your reviews to write" in page
    assert "0 submitted, 2 under way" in page


@pytest.mark.parametrize("who", ["outsider", "banned"])
def test_views_review_queue_refused_to_non_members(client, w, outsider, who):
    """Outsiders and banned members may not open the queue."""
    client.force_login(outsider if who == "outsider" else w.banned)

    response = client.get(reverse("community:review_queue", args=[w.community.slug]))

    assert response.status_code in (403, 404)
