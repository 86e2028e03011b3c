"""CSV import into a cohort: formats accepted, every error by line, nothing half-imported."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.http import urlsafe_base64_decode

from campus.models import User
from campus.roles import Role
from courses import csv_import, services, services_cohorts
from courses.models import Enrolment, EnrolmentStatus
from courses.services_cohorts import CohortError, CohortImportError
from lrs.models import Statement
from tests.campus.factories import EstablishmentFactory, UserFactory
from tests.courses import cohort_helpers as c
from tests.courses import factories as f
from tests.courses.learning_helpers import REGISTERED, statements_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def cohort(module, trainer):
    """Karim's cohort of the module, with no capacity limit."""
    return c.cohort(module=module, trainers=[trainer])


@pytest.fixture
def school(db):
    """A collège of Lyon known to Campus by its UAI."""
    return EstablishmentFactory(name="Collège Jean Moulin")


def _file(text: str, encoding: str = "utf-8") -> io.BytesIO:
    return io.BytesIO(text.encode(encoding))


def _import(trainer, cohort, text: str, encoding: str = "utf-8"):
    return services_cohorts.cohort_import_csv(
        actor=trainer, cohort=cohort, file=_file(text, encoding)
    )


def _counts() -> tuple[int, int, int]:
    return User.objects.count(), Enrolment.objects.count(), Statement.objects.count()


def _errors(trainer, cohort, text: str, encoding: str = "utf-8") -> list[str]:
    """Import a bad file; check nothing was written; return the errors."""
    before = _counts()
    with pytest.raises(CohortImportError) as caught:
        _import(trainer, cohort, text, encoding)
    assert _counts() == before
    return caught.value.errors


# --- Good files ------------------------------------------------------------------------------


def test_services_cohort_import_creates_accounts_and_enrols_everyone(
    trainer, cohort, learner, school, mailoutbox, django_capture_on_commit_callbacks
):
    """New people get a teacher account and an invitation; everyone is enrolled and registered."""
    text = (
        "email,first_name,last_name,uai\n"
        f"claire.martin@ac-lyon.fr,Claire,Martin,{school.uai}\n"
        f"Paul.Durand@AC-Lyon.fr , Paul , Durand ,{school.uai.lower()}\n"
        "\n"
        "lea.petit@ac-lyon.fr,Léa,Petit,\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = _import(trainer, cohort, text)

    assert (report.created_users, report.enrolled, report.already_members) == (2, 3, 0)
    paul = User.objects.get(email="paul.durand@ac-lyon.fr")
    assert (paul.first_name, paul.last_name, paul.establishment) == ("Paul", "Durand", school)
    assert paul.roles == {Role.TEACHER}
    assert not paul.has_usable_password()
    assert paul.academy == cohort.academy
    lea = User.objects.get(email="lea.petit@ac-lyon.fr")
    assert lea.establishment is None
    learner.refresh_from_db()
    assert learner.establishment is None  # Existing accounts keep their profile.
    for enrolment in Enrolment.objects.all():
        assert (enrolment.status, enrolment.cohort) == (EnrolmentStatus.ACTIVE, cohort)
        assert len(statements_of(enrolment, REGISTERED)) == 1
    invitations = [m.to[0] for m in mailoutbox if "password" in m.body]
    assert sorted(invitations) == ["lea.petit@ac-lyon.fr", "paul.durand@ac-lyon.fr"]
    assert sorted(m.to[0] for m in mailoutbox) == [learner.email, *sorted(invitations)]


def test_services_cohort_import_invitation_has_a_working_password_link(
    trainer, cohort, mailoutbox, django_capture_on_commit_callbacks
):
    """The invitation's link is a valid password-reset link for the new account."""
    with django_capture_on_commit_callbacks(execute=True):
        _import(trainer, cohort, "email;prénom;nom\npaul@ac-lyon.fr;Paul;Durand\n")

    [email] = mailoutbox
    paul = User.objects.get(email="paul@ac-lyon.fr")
    link = next(w for w in email.body.split() if "/compte/mot-de-passe/reinitialiser/" in w)
    uidb64, token = link.rstrip("/").split("/")[-2:]
    assert urlsafe_base64_decode(uidb64).decode() == str(paul.pk)
    assert default_token_generator.check_token(paul, token)
    assert cohort.module.title in email.subject


def test_services_cohort_import_sends_nothing_when_the_transaction_rolls_back(
    trainer, cohort, mailoutbox, django_capture_on_commit_callbacks
):
    """Invitations leave after commit: a refused import sends no email."""
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(CohortImportError):
        _import(trainer, cohort, "email;prénom;nom\npaul@ac-lyon.fr;Paul;Durand\nbad;X;Y\n")
    assert mailoutbox == []


def test_services_cohort_import_french_headers_semicolons_and_bom(trainer, cohort, school):
    """Excel's "CSV UTF-8": BOM, semicolons, French headers in any order and case."""
    text = (
        f"\ufeffNom;Prénom;Adresse électronique;UAI\r\nDurand;Paul;paul@ac-lyon.fr;{school.uai}\r\n"
    )

    report = _import(trainer, cohort, text)

    assert report.created_users == 1
    paul = User.objects.get(email="paul@ac-lyon.fr")
    assert (paul.first_name, paul.last_name) == ("Paul", "Durand")


def test_services_cohort_import_reads_windows_1252(trainer, cohort):
    """A file saved by Excel on Windows (cp1252) keeps its accents."""
    report = _import(
        trainer, cohort, "courriel;prénom;nom\nlea@ac-lyon.fr;Léa;Bérégovoy\n", "cp1252"
    )

    assert report.enrolled == 1
    assert User.objects.get(email="lea@ac-lyon.fr").last_name == "Bérégovoy"


def test_services_cohort_import_counts_members_and_takes_others_along(trainer, cohort, learner):
    """Members are counted, a pending request is approved, a self-enrolment joins, a withdrawn
    enrolment is reactivated."""
    member = UserFactory()
    Enrolment.objects.create(user=member, module=cohort.module, cohort=cohort)
    asking = UserFactory()
    services_cohorts.cohort_join(actor=asking, cohort=cohort)
    alone = UserFactory()
    services.enrolment_create(actor=alone, module=cohort.module)
    withdrawn = f.enrolment(user=learner, module=cohort.module, status=EnrolmentStatus.WITHDRAWN)
    rows = "".join(f"{u.email}\n" for u in (member, asking, alone, learner))

    report = _import(trainer, cohort, "email\n" + rows)

    assert (report.created_users, report.enrolled, report.already_members) == (0, 3, 1)
    assert set(Enrolment.objects.values_list("status", "cohort")) == {
        (EnrolmentStatus.ACTIVE, cohort.pk)
    }
    withdrawn.refresh_from_db()
    assert len(statements_of(withdrawn, REGISTERED)) == 1


# --- Errors: every one, by line, nothing written ---------------------------------------------


def test_services_cohort_import_lists_every_line_error(trainer, cohort, learner, school):
    """Every wrong line is reported with its number, and nothing at all is imported."""
    other = c.cohort(module=cohort.module, trainers=[trainer], name="Groupe A")
    busy = UserFactory(email="busy@ac-lyon.fr")
    Enrolment.objects.create(user=busy, module=cohort.module, cohort=other)
    UserFactory(email="gone@ac-lyon.fr", is_active=False)
    text = (
        "email;prénom;nom;uai\n"
        "ok@ac-lyon.fr;Ok;Ok;\n"  # 2: fine, but must not be imported.
        "pas-une-adresse;A;B;\n"  # 3
        ";A;B;\n"  # 4
        "ok@ac-lyon.fr;Ok;Ok;\n"  # 5: duplicate of line 2.
        "x@ac-lyon.fr;X;X;0690001A\n"  # 6: wrong check letter.
        "y@ac-lyon.fr;Y;Y;1234\n"  # 7: not a UAI.
        "z@ac-lyon.fr;Z;Z;0000000A\n"  # 8: valid format, unknown establishment.
        "new@ac-lyon.fr;;\n"  # 9: a new account needs names.
        "busy@ac-lyon.fr;;\n"  # 10: in another cohort of the module.
        "gone@ac-lyon.fr;;\n"  # 11: deactivated account.
        "w@ac-lyon.fr;W;W;;surplus\n"  # 12: a stray cell.
        f"n@ac-lyon.fr;{'N' * 151};N;\n"  # 13: first name too long.
    )

    errors = _errors(trainer, cohort, text)

    assert [e.split(":")[0] for e in errors] == [
        f"Line {n}" for n in (3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)
    ]
    assert "invalid email address « pas-une-adresse »" in errors[0]
    assert "missing" in errors[1]
    assert "already on line 2" in errors[2]
    assert "check letter" in errors[3]
    assert "7 digits" in errors[4]
    assert "no establishment is known with the UAI code 0000000A" in errors[5]
    assert "first and last names" in errors[6]
    assert "Groupe A" in errors[7]
    assert "deactivated" in errors[8]
    assert "5 cells" in errors[9]
    assert "first name is longer than 150 characters" in errors[10]


def test_services_cohort_import_refuses_capacity_overflow(trainer, module):
    """A file that would overflow the cohort is refused whole, saying how many places are left."""
    cohort = c.cohort(module=module, trainers=[trainer], capacity=2)
    services_cohorts.cohort_join(actor=UserFactory(), cohort=cohort)  # A request holds a seat.

    errors = _errors(trainer, cohort, "email;prénom;nom\na@x.fr;A;A\nb@x.fr;B;B\n")

    assert errors == [
        "Places left in the cohort: 1; learners the file would add: 2. Raise its capacity or "
        "shorten the file."
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"first_name;last_name\nPaul;Durand\n", "at least the email address"),
        (b"email;courriel\na@x.fr;b@x.fr\n", "appears twice"),
        (b"\xff\xfe\x00\xd8", "could not be read"),  # UTF-16 mark, broken surrogate.
        (b"email\n\x81\x8d\x8f\n", "could not be read"),  # Neither UTF-8 nor cp1252.
        (b"email\na@x.fr\x00\n", "not a CSV file"),
        (b'email\n"a@x.fr\n', "not a valid CSV"),  # A quote never closed.
        (b"email\n", "lists nobody"),
    ],
)
def test_services_cohort_import_refuses_unreadable_files(trainer, cohort, content, message):
    """A file that cannot be read as a list of learners is refused with a reason."""
    before = _counts()
    with pytest.raises(CohortImportError, match=message):
        services_cohorts.cohort_import_csv(actor=trainer, cohort=cohort, file=io.BytesIO(content))
    assert _counts() == before


def test_services_cohort_import_refuses_files_over_the_size_limit(trainer, cohort, monkeypatch):
    """Over the size limit, the file is refused before it is read."""
    monkeypatch.setattr(csv_import, "MAX_BYTES", 20)

    errors = _errors(trainer, cohort, "email\n" + "a@ac-lyon.fr\n" * 3)

    assert len(errors) == 1
    assert "larger than" in errors[0]


def test_services_cohort_import_refuses_files_over_the_row_limit(trainer, cohort, monkeypatch):
    """Over the row limit, the file is refused, asking to split it."""
    monkeypatch.setattr(csv_import, "MAX_ROWS", 2)

    errors = _errors(trainer, cohort, "email\na@x.fr\nb@x.fr\nc@x.fr\n")

    assert errors == ["The file has more than 2 learners: split it into several files."]


def test_services_cohort_import_reads_utf16(trainer, cohort):
    """Excel's "Unicode text" (UTF-16 with its mark) is read too."""
    report = _import(trainer, cohort, "email\tprénom\tnom\nlea@x.fr\tLéa\tPetit\n", "utf-16")

    assert report.created_users == 1


def test_services_cohort_import_refuses_other_trainers(cohort, db):
    """Only the cohort's trainers import into it."""
    other = UserFactory(roles=[Role.TRAINER])

    with pytest.raises(CohortError, match="Only the trainers"):
        _import(other, cohort, "email;prénom;nom\na@x.fr;A;A\n")
    assert not User.objects.filter(email="a@x.fr").exists()


def test_csv_import_parse_gives_the_starting_line_of_multiline_cells(db):
    """A quoted cell spanning lines does not shift the line numbers of the rows after it."""
    parsed = csv_import.parse(_file('email,nom\na@x.fr,"Du\nrand"\nbad,X\n'))

    assert [r.line for r in parsed.rows] == [2]
    assert parsed.rows[0].last_name == "Du\nrand"
    assert parsed.errors[0][0] == 4
