"""Forms of the courses app."""

from __future__ import annotations

import math

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from campus.models import CompetenceItem, Degree, Discipline
from campus.widgets import QuickSelect
from courses.models import Collection, Modality
from courses.services import VIDEO_VERBS


class DurationBucket:
    """Total hours (distance + in-person) in the catalogue's four buckets."""

    UNDER_3 = "moins-3h"
    FROM_3_TO_6 = "3-6h"
    FROM_6_TO_9 = "6-9h"
    OVER_9 = "plus-9h"
    CHOICES = [
        (UNDER_3, _("Less than 3 h")),
        (FROM_3_TO_6, _("3 to 6 h")),
        (FROM_6_TO_9, _("6 to 9 h")),
        (OVER_9, _("More than 9 h")),
    ]


def _blank(choices):
    return [("", _("All")), *choices]


def competence_choices() -> list:
    """Codes to filter by, grouped by competence: the competence itself, then its items."""
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    items = CompetenceItem.objects.select_related("competence").only(
        "code", "competence__code", "competence__title"
    )
    for item in items:
        competence = item.competence
        key = (competence.code, competence.title)
        groups.setdefault(
            key, [(competence.code, _("%(code)s — all items") % {"code": competence.code})]
        )
        groups[key].append((item.code, item.code))
    return [("", _("All")), *((f"{code} {title}", opts) for (code, title), opts in groups.items())]


class CatalogueFilterForm(DsfrBaseForm):
    """The catalogue's filters, sent as GET parameters so a filtered list has its own URL."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    discipline = forms.ModelChoiceField(
        label=_("Discipline"),
        queryset=Discipline.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All"),
        widget=QuickSelect,
    )
    degree = forms.ChoiceField(
        label=_("Degree"), choices=_blank(Degree.choices), required=False, widget=QuickSelect
    )
    collection = forms.ChoiceField(
        label=_("Collection"),
        choices=_blank(Collection.choices),
        required=False,
        widget=QuickSelect,
    )
    duration = forms.ChoiceField(
        label=_("Duration"),
        choices=_blank(DurationBucket.CHOICES),
        required=False,
        widget=QuickSelect,
    )
    modality = forms.ChoiceField(
        label=_("Modality"), choices=_blank(Modality.choices), required=False, widget=QuickSelect
    )
    competence = forms.ChoiceField(label=_("C2i2e competence"), required=False, widget=QuickSelect)
    open_sessions = forms.BooleanField(
        label=_("Only modules with an upcoming in-person session"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competence"].choices = competence_choices

    def filters(self) -> dict:
        """The valid filters, ready for ``catalogue_modules`` (an invalid one is left out)."""
        if not self.is_bound:
            return {}
        self.is_valid()  # Fills cleaned_data with the fields that are valid.
        return {key: value for key, value in self.cleaned_data.items() if value}


# --- Video events, posted as JSON by static/courses/video.js ---------------------------------

# A watching session seldom has more than a few dozen segments; video.js merges them into
# their union long before this many (and the view caps the whole body too).
MAX_PLAYED_SEGMENTS = 500


def _is_number(value) -> bool:
    """A JSON number (bool is an int subclass in Python, but ``true`` is no number of seconds)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


class JSONNumberField(forms.FloatField):
    """A finite, non-negative JSON number, in seconds unless told (strings, booleans refused)."""

    default_error_messages = {"invalid": _("Give a number of seconds.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value is None:
            return None
        if not _is_number(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class PlayedSegmentsField(forms.Field):
    """The segments watched, as a JSON list of ``[start, end]`` pairs of seconds."""

    default_error_messages = {
        "invalid": _("Give the played segments as a list of [start, end] pairs of seconds."),
        "order": _("A played segment cannot end before it starts."),
        "too_many": _("Give at most %(max)s played segments."),
    }

    def to_python(self, value) -> list[tuple[float, float]]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if len(value) > MAX_PLAYED_SEGMENTS:
            raise forms.ValidationError(
                self.error_messages["too_many"],
                code="too_many",
                params={"max": MAX_PLAYED_SEGMENTS},
            )
        segments = []
        for pair in value:
            if not (
                isinstance(pair, list)
                and len(pair) == 2
                and all(_is_number(v) and math.isfinite(v) and v >= 0 for v in pair)
            ):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            start, end = float(pair[0]), float(pair[1])
            if end < start:
                raise forms.ValidationError(self.error_messages["order"], code="order")
            segments.append((start, end))
        return segments


class VideoEventForm(forms.Form):
    """One event of the xAPI Video Profile, as video.js posts it (a JSON object).

    Each event carries the media time it happened at (``time``), except ``seeked``, which
    carries where the playhead left (``time_from``) and where it arrived (``time_to``).
    ``progress`` is the share of the video watched, ``played_segments`` the ranges watched,
    ``length`` the video's duration and ``session_id`` the page load's UUID.
    """

    event = forms.ChoiceField(choices=[(event, event) for event in VIDEO_VERBS])
    time = JSONNumberField()
    time_from = JSONNumberField()
    time_to = JSONNumberField()
    progress = JSONNumberField(
        max_value=1,
        error_messages={"invalid": _("Give the share of the video watched, from 0 to 1.")},
    )
    played_segments = PlayedSegmentsField(required=False)
    length = JSONNumberField()
    session_id = forms.UUIDField()

    def clean(self):
        data = super().clean()
        event = data.get("event")
        if event == "seeked":
            needed = ("time_from", "time_to")
        elif event:
            needed = ("time",)
        else:
            needed = ()  # The event itself is missing or unknown: its error says so.
        for name in needed:
            if data.get(name) is None and name not in self.errors:
                self.add_error(
                    name,
                    forms.ValidationError(
                        _("A %(event)s event needs this media time."),
                        code="required",
                        params={"event": event},
                    ),
                )
        return data
