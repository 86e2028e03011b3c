"""People and places: users, académies, disciplines, establishments; the home page."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.fields import RichTextField
from wagtail.models import Page

from campus.roles import Role, roles_of, spaces_for
from campus.validators import validate_uai


class Academy(models.Model):
    """One of the 30 French académies (loaded by a data migration), with its region."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=80, unique=True)
    region = models.CharField(_("academic region"), max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name = _("académie")
        verbose_name_plural = _("académies")

    def __str__(self) -> str:
        return self.name


class Discipline(models.Model):
    """A school subject a teacher teaches (or "polyvalent" in primary school)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("discipline")
        verbose_name_plural = _("disciplines")

    def __str__(self) -> str:
        return self.name


class Establishment(models.Model):
    """A school, identified by its UAI code (Unité administrative immatriculée)."""

    uai = models.CharField(_("UAI code"), max_length=8, unique=True, validators=[validate_uai])
    name = models.CharField(_("name"), max_length=200)
    town = models.CharField(_("town"), max_length=120)
    academy = models.ForeignKey(
        Academy,
        verbose_name=_("académie"),
        on_delete=models.PROTECT,
        related_name="establishments",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("establishment")
        verbose_name_plural = _("establishments")

    def __str__(self) -> str:
        return f"{self.name} ({self.town}, {self.uai})"

    def save(self, *args, **kwargs) -> None:
        self.uai = self.uai.strip().upper()
        super().save(*args, **kwargs)


class Degree(models.TextChoices):
    """The two levels of the French school system a teacher belongs to."""

    FIRST = "premier", _("1st degree (primary)")
    SECOND = "second", _("2nd degree (secondary)")


class UserManager(BaseUserManager["User"]):
    """Users log in with their email address, compared case-insensitively."""

    use_in_migrations = True

    def get_by_natural_key(self, username: str) -> User:
        return self.get(email__iexact=username)

    def _create_user(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person on Campus; what they may do comes from their role groups."""

    email = models.EmailField(_("email address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    academy = models.ForeignKey(
        Academy,
        verbose_name=_("académie"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="users",
    )
    disciplines = models.ManyToManyField(
        Discipline, verbose_name=_("disciplines"), blank=True, related_name="users"
    )
    degree = models.CharField(_("degree"), max_length=10, choices=Degree.choices, blank=True)
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="users",
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Whether the user can log into the Django admin site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [
            ("access_teacher_space", _("Can use the teacher space")),
            ("access_trainer_space", _("Can use the trainer space")),
            ("access_inspector_space", _("Can use the inspector space")),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @cached_property
    def roles(self) -> frozenset[Role]:
        """The user's roles, read from their groups (one query, cached on the instance)."""
        return roles_of(self)

    def has_role(self, role: Role) -> bool:
        """Whether the user holds the role (superusers hold every role)."""
        return self.is_superuser or role in self.roles


class HomePage(Page):
    """The site root: says what Campus is and routes each role to its space."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, "intro"]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["spaces"] = spaces_for(request.user)
        return context


class Framework(models.Model):
    """A competence framework (C2i2e 2011 now; CRCN-Édu, Pix+Édu later), loaded as data."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    version = models.CharField(_("version"), max_length=20)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("competence framework")
        verbose_name_plural = _("competence frameworks")

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"


class FrameworkDomain(models.Model):
    """A domain of a framework (C2i2e: A, B)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="domains")
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="campus_domain_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class Competence(models.Model):
    """A competence of a domain (C2i2e: A.1 … B.4)."""

    domain = models.ForeignKey(
        FrameworkDomain, on_delete=models.CASCADE, related_name="competences"
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["domain__framework", "domain__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["domain", "code"], name="campus_competence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class CompetenceItem(models.Model):
    """The unit a module develops and a certification validates (C2i2e: A.1-1 … B.4-3)."""

    competence = models.ForeignKey(Competence, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=20)
    title = models.TextField(_("title"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = [
            "competence__domain__framework",
            "competence__domain__position",
            "competence__position",
            "position",
        ]
        constraints = [
            models.UniqueConstraint(fields=["competence", "code"], name="campus_item_unique")
        ]
        verbose_name = _("competence item")
        verbose_name_plural = _("competence items")

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"


# The recognition and certification models live in their own modules; Django finds models
# through this one.
from campus.models_certification import (  # noqa: E402, F401
    CertificationDossier,
    DossierStatus,
    EvidenceKind,
    ItemEvidence,
    ItemValidation,
    ValidationStatus,
)
from campus.models_recognition import (  # noqa: E402, F401
    Attestation,
    AttestationKind,
    Credential,
    EntryKind,
    RecordEntry,
    RecordShare,
    TrainingModality,
)
