"""Pages and documents of the verifiable credentials: issuing, downloading, revoking, the
verifier, the published keys and status list, and who may see what."""

from __future__ import annotations

import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from campus import credentials as vc
from campus import services_credentials as services
from campus.models import Credential
from tests.campus.test_credentials import (
    SEED_NEW,
    SEED_OLD,
    SEED_OTHER,
    SITE,
    admin,  # noqa: F401 (fixture)
    credential_settings,  # noqa: F401 (fixture)
    issued,
    make_entry,
)

VERIFIER = "/credentials/verifier/"
WELL_KNOWN = "/.well-known/campus-credential-keys.json"
STATUS_LIST = "/credentials/status/1"


def issue_url(entry) -> str:
    return reverse("recognition:credentials_issue", args=[entry.pk])


def download_url(credential) -> str:
    return reverse("recognition:credentials_download", args=[credential.pk])


def detail_url(credential) -> str:
    return reverse("recognition:credentials_detail", args=[credential.pk])


# --- Issuing --------------------------------------------------------------------------------------


def test_views_credentials_issue_then_back_to_the_entry(client, learner):
    """The holder's button issues the badge and goes back to the page it was on."""
    entry = make_entry(learner)
    client.force_login(learner)
    response = client.post(issue_url(entry), {"next": "/dossier/"})
    assert response.status_code == 302 and response["Location"] == "/dossier/"
    assert Credential.objects.get().entry == entry


def test_views_credentials_issue_ignores_an_outside_next(client, learner):
    """A « next » to another site is ignored: the badge's page is shown instead."""
    client.force_login(learner)
    response = client.post(issue_url(make_entry(learner)), {"next": "https://evil.example/"})
    assert response["Location"] == detail_url(Credential.objects.get())


def test_views_credentials_issue_refusal_is_a_message(client, learner):
    """A withdrawn entry is refused with a message, nothing issued."""
    entry = make_entry(learner, withdrawn_at=timezone.now())
    client.force_login(learner)
    response = client.post(issue_url(entry), {"next": "/dossier/"}, follow=True)
    assert "retirée du dossier" in " ".join(str(m) for m in response.context["messages"])
    assert not Credential.objects.exists()


def test_views_credentials_issue_someone_elses_entry_is_404(client, learner, trainer):
    """Another teacher's entry is not found, and nothing is issued."""
    client.force_login(trainer)
    assert client.post(issue_url(make_entry(learner))).status_code == 404
    assert not Credential.objects.exists()


def test_views_credentials_issue_needs_login_and_post(client, learner):
    """Anonymous visitors are sent to log in; GET is not allowed."""
    entry = make_entry(learner)
    assert client.post(issue_url(entry))["Location"].startswith(reverse("login"))
    client.force_login(learner)
    assert client.get(issue_url(entry)).status_code == 405


# --- Download and the badge's page ----------------------------------------------------------------


def test_views_credentials_download_is_the_signed_json(client, learner):
    """The holder downloads the credential as a JSON-LD attachment, exactly as issued."""
    credential = issued(learner)
    client.force_login(learner)
    response = client.get(download_url(credential))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    assert response["Content-Disposition"].startswith("attachment;")
    assert json.loads(response.content) == credential.document


def test_views_credentials_download_of_another_teacher_is_404(client, learner, trainer):
    """Another teacher gets a 404 for my badge, its file and its page."""
    credential = issued(learner)
    client.force_login(trainer)
    assert client.get(download_url(credential)).status_code == 404
    assert client.get(detail_url(credential)).status_code == 404


def test_views_credentials_download_needs_login(client, learner):
    """Anonymous visitors are sent to log in."""
    response = client.get(download_url(issued(learner)))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_views_credentials_detail_shows_a_valid_badge(client, learner):
    """The holder's page says the badge verifies and offers no revocation."""
    credential = issued(learner)
    client.force_login(learner)
    response = client.get(detail_url(credential))
    assert response.status_code == 200
    assert response.context["result"].valid
    assert not response.context["may_revoke"]
    assert download_url(credential) in response.content.decode()


# --- Revoking -------------------------------------------------------------------------------------


def test_views_credentials_revoke_by_the_holder_is_403(client, learner):
    """The holder sees the badge but may not revoke it."""
    credential = issued(learner)
    client.force_login(learner)
    url = reverse("recognition:credentials_revoke", args=[credential.pk])
    assert client.post(url, {"reason": "Je ne veux plus"}).status_code == 403
    credential.refresh_from_db()
    assert credential.revoked_at is None


def test_views_credentials_revoke_by_an_administrator(client, learner, admin):  # noqa: F811
    """An administrator revokes with a reason; without one, nothing happens."""
    credential = issued(learner)
    client.force_login(admin)
    assert client.get(detail_url(credential)).context["may_revoke"]
    url = reverse("recognition:credentials_revoke", args=[credential.pk])
    client.post(url, {"reason": ""})
    credential.refresh_from_db()
    assert credential.revoked_at is None
    assert client.post(url, {"reason": "Attribuée par erreur"}).status_code == 302
    credential.refresh_from_db()
    assert credential.revocation_reason == "Attribuée par erreur"


# --- Keys and status list -------------------------------------------------------------------------


def test_views_credentials_well_known_lists_every_key(client, db, credential_settings):  # noqa: F811
    """The well-known document lists the signing key and the rotated-out one, as Multikeys."""
    credential_settings.CREDENTIAL_SIGNING_KEYS = {"k1": SEED_NEW, "k0": SEED_OLD}
    response = client.get(WELL_KNOWN)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    document = json.loads(response.content)
    assert document["id"] == SITE
    methods = document["verificationMethod"]
    assert [m["id"] for m in methods] == [
        f"{SITE}/credentials/keys/k1#k1",
        f"{SITE}/credentials/keys/k0#k0",
    ]
    assert document["assertionMethod"] == [m["id"] for m in methods]
    for method in methods:
        assert method["type"] == "Multikey" and method["controller"] == SITE
        # 0xed01 + 32 bytes in base58btc always reads « z6Mk… ».
        assert method["publicKeyMultibase"].startswith("z6Mk")
    assert set(vc.public_keys_from_document(document)) == set(services.public_keys())


def test_views_credentials_key_document(client, db, credential_settings):  # noqa: F811
    """Each key is served at the URL its verification method names; unknown ones are 404."""
    credential_settings.CREDENTIAL_SIGNING_KEYS = {"k1": SEED_NEW, "k0": SEED_OLD}
    document = json.loads(client.get("/credentials/keys/k0").content)
    assert document["@context"] == vc.MULTIKEY_CONTEXT
    assert document["id"] == f"{SITE}/credentials/keys/k0#k0"
    assert client.get("/credentials/keys/k9").status_code == 404


def test_views_credentials_served_status_list_revokes(client, learner, admin):  # noqa: F811
    """The served status list, parsed back, is signed and makes the revoked credential fail."""
    credential = issued(learner)
    other = issued(learner, source_key="tests.other:1")
    services.credential_revoke(actor=admin, credential=credential, reason="Erreur")
    keys = vc.public_keys_from_document(json.loads(client.get(WELL_KNOWN).content))
    response = client.get(STATUS_LIST)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    status_list = json.loads(response.content)
    assert "BitstringStatusListCredential" in status_list["type"]
    assert status_list["id"] == credential.document["credentialStatus"]["statusListCredential"]
    assert vc.proof_errors(status_list, keys) == []
    bits = vc.decode_status_list(status_list["credentialSubject"]["encodedList"])
    assert len(bits) * 8 >= 131_072
    assert vc.status_bit(bits, credential.status_index)
    assert not vc.status_bit(bits, other.status_index)
    revoked = vc.verify_credential(credential.document, keys, status_list=status_list)
    assert revoked.codes == [vc.REVOKED]
    assert vc.verify_credential(other.document, keys, status_list=status_list).valid


def test_views_credentials_status_list_without_key_is_503(client, db, credential_settings):  # noqa: F811
    """With credentials off (no key, DEBUG off) the list is unavailable, not empty."""
    credential_settings.CREDENTIAL_SIGNING_KEYS = {}
    credential_settings.DEBUG = False
    assert client.get(STATUS_LIST).status_code == 503
    assert client.get("/credentials/status/2").status_code == 404


# --- The verifier ---------------------------------------------------------------------------------


def verify(client, document, **extra):
    text = document if isinstance(document, str) else json.dumps(document)
    return client.post(VERIFIER, {"document": text, **extra})


def test_views_credentials_verifier_page_is_public(client):
    """Anyone opens the verifier."""
    response = client.get(VERIFIER)
    assert response.status_code == 200
    assert "result" not in response.context


def test_views_credentials_verifier_valid(client, learner):
    """A genuine credential is valid, and the holder's email can be confirmed."""
    document = issued(learner).document
    response = verify(client, document, email="Claire.Martin@ac-lyon.fr")
    assert response.context["result"].valid
    assert response.context["email_matches"] is True
    assert verify(client, document, email="autre@ac-lyon.fr").context["email_matches"] is False


def test_views_credentials_verifier_uploaded_file(client, learner):
    """The credential can be uploaded as a file."""
    document = issued(learner).document
    upload = SimpleUploadedFile("badge.json", json.dumps(document).encode(), "application/json")
    response = client.post(VERIFIER, {"file": upload})
    assert response.context["result"].valid


def test_views_credentials_verifier_tampered(client, learner):
    """An altered credential: the signature is invalid."""
    document = copy.deepcopy(issued(learner).document)
    document["credentialSubject"]["achievement"]["name"] = "Autre module"
    result = verify(client, document).context["result"]
    assert result.codes == [vc.SIGNATURE_INVALID]


def test_views_credentials_verifier_revoked(client, learner, admin):  # noqa: F811
    """A revoked credential is shown as revoked."""
    credential = issued(learner)
    services.credential_revoke(actor=admin, credential=credential, reason="Erreur")
    response = verify(client, credential.document)
    assert response.context["result"].codes == [vc.REVOKED]
    assert "Erreur" not in response.content.decode()  # The reason stays private.


def test_views_credentials_verifier_unknown_key(client, learner):
    """A credential signed with a key the platform does not hold: unknown key."""
    document = issued(learner).document
    stranger = vc.load_signing_keys({"x": SEED_OTHER}, debug=False, secret_key="")[0]
    forged = vc.sign(
        document,
        key=stranger,
        verification_method="https://elsewhere.example/keys/x#x",
        created=timezone.now(),
    )
    assert verify(client, forged).context["result"].codes == [vc.UNKNOWN_KEY]


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", ""])
def test_views_credentials_verifier_malformed_json_is_a_form_error(client, text):
    """What is not a JSON object is a form error, with no verification result."""
    response = verify(client, text)
    assert response.status_code == 200
    assert response.context["form"].errors["document"]
    assert "result" not in response.context


def test_views_credentials_verifier_json_that_is_no_credential(client):
    """A JSON object that is not a credential is verified and explained as malformed."""
    response = verify(client, {"hello": "world"})
    assert response.context["result"].codes[0] == vc.MALFORMED
    assert response.context["failures"][0]["detail"]


# --- The framework page and the entry include -----------------------------------------------------


def test_views_credentials_framework_page_has_item_anchors(client, db):
    """Alignments point to the framework page, where each item is an anchor."""
    response = client.get("/credentials/referentiels/c2i2e/")
    assert response.status_code == 200
    assert 'id="A.1-1"' in response.content.decode()
    assert client.get("/credentials/referentiels/inconnu/").status_code == 404


def _actions(entry, credential, user) -> str:
    request = RequestFactory().get("/dossier/")
    request.user = user
    return render_to_string(
        "campus/credentials/entry_actions.html",
        {"entry": entry, "credential": credential},
        request=request,
    )


def test_views_credentials_entry_actions_include(learner):
    """The include offers issuing, then downloading; nothing for withdrawn entries."""
    entry = make_entry(learner)
    assert issue_url(entry) in _actions(entry, None, learner)
    credential = services.credential_issue(actor=learner, entry=entry)
    html = _actions(entry, credential, learner)
    assert download_url(credential) in html and issue_url(entry) not in html
    withdrawn = make_entry(learner, source_key="tests.w:1", withdrawn_at=timezone.now())
    assert issue_url(withdrawn) not in _actions(withdrawn, None, learner)
