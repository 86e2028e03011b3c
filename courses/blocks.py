"""StreamField blocks of step pages.

Quiz questions are the children of a StreamBlock and choices the children of a ListBlock, so
each carries the stable UUID Wagtail stores with it (``StreamChild.id``, ``ListChild.id``):
answers are posted and scored against those ids, and the xAPI question activities are named
after them, so rewording a question or reordering choices never breaks past statements.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock


def _struct_error(**errors: str) -> StructBlockValidationError:
    """A StructBlock validation error that points at the named fields."""
    return StructBlockValidationError(
        block_errors={name: ValidationError(message) for name, message in errors.items()}
    )


class ImageBlock(blocks.StructBlock):
    """An image with its alternative text and an optional caption."""

    image = ImageChooserBlock(label=_("image"))
    alt = blocks.CharBlock(
        label=_("alternative text"),
        max_length=250,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "blocks/image_block.html"


class VideoBlock(blocks.StructBlock):
    """A video, uploaded (as a document) or embedded from a video site, with its transcript.

    The transcript is required: RGAA 4.1 criterion 4.1 asks for a text alternative to every
    pre-recorded medium, and teachers often watch with the sound off.
    """

    title = blocks.CharBlock(label=_("title"), max_length=200)
    file = DocumentChooserBlock(
        label=_("video file"), required=False, help_text=_("An MP4 or WebM file.")
    )
    url = EmbedBlock(
        label=_("video address"),
        required=False,
        help_text=_("Or the address of the video on a video site (PeerTube, YouTube, Vimeo…)."),
    )
    captions = DocumentChooserBlock(
        label=_("captions"), required=False, help_text=_("A WebVTT file (.vtt), in French.")
    )
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=250)
    transcript = blocks.RichTextBlock(
        label=_("transcript"), features=["bold", "italic", "ol", "ul", "link"]
    )

    class Meta:
        icon = "media"
        template = "blocks/video_block.html"

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("file")) == bool(value.get("url")):
            raise _struct_error(file=_("Choose a video file or give a video address (one only)."))
        return value


class ExternalEmbedBlock(blocks.StructBlock):
    """Content from another site (an H5P activity, a Genially, a map…) shown in the step."""

    url = EmbedBlock(label=_("address"))
    title = blocks.CharBlock(
        label=_("title"),
        max_length=200,
        help_text=_("Says what the embedded content is (read out by screen readers)."),
    )
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=250)

    class Meta:
        icon = "code"
        template = "blocks/embed_block.html"


class QuizChoiceBlock(blocks.StructBlock):
    """One answer offered to a choice question, and what the learner reads if they pick it."""

    text = blocks.CharBlock(label=_("answer"), max_length=300)
    correct = blocks.BooleanBlock(label=_("correct answer"), required=False)
    feedback = blocks.CharBlock(label=_("feedback"), required=False, max_length=500)

    class Meta:
        icon = "radio-full"


class _ChoiceQuestionBlock(blocks.StructBlock):
    prompt = blocks.TextBlock(label=_("question"))
    choices = blocks.ListBlock(QuizChoiceBlock(), label=_("answers"), min_num=2)
    points = blocks.IntegerBlock(label=_("points"), min_value=0, default=1)
    explanation = blocks.TextBlock(
        label=_("explanation"),
        required=False,
        help_text=_("Shown after each attempt, whatever the answer."),
    )


class SingleChoiceQuestionBlock(_ChoiceQuestionBlock):
    """A question with exactly one correct answer (radio buttons)."""

    class Meta:
        icon = "radio-full"
        label = _("single choice question")

    def clean(self, value):
        value = super().clean(value)
        if sum(1 for choice in value["choices"] if choice["correct"]) != 1:
            raise _struct_error(choices=_("Mark exactly one answer as correct."))
        return value


class MultipleChoiceQuestionBlock(_ChoiceQuestionBlock):
    """A question with one or more correct answers (checkboxes), scored all or nothing."""

    class Meta:
        icon = "tasks"
        label = _("multiple choice question")

    def clean(self, value):
        value = super().clean(value)
        if not any(choice["correct"] for choice in value["choices"]):
            raise _struct_error(choices=_("Mark at least one answer as correct."))
        return value


class ShortAnswerQuestionBlock(blocks.StructBlock):
    """A question answered in a few words, compared with the accepted answers."""

    prompt = blocks.TextBlock(label=_("question"))
    accepted_answers = blocks.ListBlock(
        blocks.CharBlock(max_length=200),
        label=_("accepted answers"),
        min_num=1,
        help_text=_("Compared without regard to capitals or extra spaces, unless told otherwise."),
    )
    case_sensitive = blocks.BooleanBlock(label=_("capitals matter"), required=False)
    feedback_correct = blocks.CharBlock(
        label=_("feedback if right"), required=False, max_length=500
    )
    feedback_incorrect = blocks.CharBlock(
        label=_("feedback if wrong"), required=False, max_length=500
    )
    points = blocks.IntegerBlock(label=_("points"), min_value=0, default=1)

    class Meta:
        icon = "edit"
        label = _("short answer question")


class QuizQuestionsBlock(blocks.StreamBlock):
    """The questions of a quiz; each keeps the id its answers are scored by."""

    single_choice = SingleChoiceQuestionBlock()
    multiple_choice = MultipleChoiceQuestionBlock()
    short_answer = ShortAnswerQuestionBlock()

    class Meta:
        min_num = 1


class QuizBlock(blocks.StructBlock):
    """A scored quiz: passing it can be what completes its step."""

    title = blocks.CharBlock(label=_("title"), max_length=200)
    intro = blocks.RichTextBlock(
        label=_("introduction"), required=False, features=["bold", "italic", "link"]
    )
    questions = QuizQuestionsBlock(label=_("questions"))
    pass_mark = blocks.IntegerBlock(
        label=_("pass mark (%)"), min_value=0, max_value=100, default=70
    )
    max_attempts = blocks.IntegerBlock(
        label=_("attempts allowed"),
        min_value=0,
        default=3,
        help_text=_("0 for no limit."),
    )

    class Meta:
        icon = "help"
        template = "blocks/quiz_block.html"


class AssignmentBlock(blocks.StructBlock):
    """Work a learner hands in for a trainer to review (text, a file, or both)."""

    title = blocks.CharBlock(label=_("title"), max_length=200)
    instructions = blocks.RichTextBlock(label=_("instructions"))
    expects_text = blocks.BooleanBlock(label=_("a text answer"), required=False, default=True)
    expects_file = blocks.BooleanBlock(label=_("a file"), required=False)

    class Meta:
        icon = "doc-full"
        template = "blocks/assignment_block.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("expects_text") and not value.get("expects_file"):
            raise _struct_error(expects_text=_("Expect a text answer, a file, or both."))
        return value


class InPersonSessionBlock(blocks.StructBlock):
    """A session held at a place or in a virtual classroom, at a set date and time."""

    title = blocks.CharBlock(label=_("title"), max_length=200)
    start = blocks.DateTimeBlock(label=_("date and time"))
    duration_minutes = blocks.IntegerBlock(label=_("duration (minutes)"), min_value=1, default=180)
    place = blocks.CharBlock(label=_("place"), required=False, max_length=200)
    address = blocks.TextBlock(label=_("address"), required=False)
    virtual_class_url = blocks.URLBlock(label=_("virtual classroom address"), required=False)
    details = blocks.RichTextBlock(
        label=_("details"), required=False, features=["bold", "italic", "ul", "link"]
    )

    class Meta:
        icon = "date"
        template = "blocks/session_block.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("place") and not value.get("virtual_class_url"):
            raise _struct_error(place=_("Give a place, a virtual classroom address, or both."))
        return value


class CommunityRoomBlock(blocks.StructBlock):
    """A link to the room where learners of the module talk (the community app comes later)."""

    label = blocks.CharBlock(label=_("label"), max_length=200)
    url = blocks.URLBlock(label=_("address"))
    description = blocks.TextBlock(label=_("description"), required=False)

    class Meta:
        icon = "group"
        template = "blocks/community_room_block.html"


class StepBodyBlock(blocks.StreamBlock):
    """What a step page is made of."""

    paragraph = blocks.RichTextBlock(label=_("text"), template="blocks/paragraph_block.html")
    image = ImageBlock(label=_("image"))
    video = VideoBlock(label=_("video"))
    document = DocumentChooserBlock(label=_("document"), template="blocks/document_block.html")
    embed = ExternalEmbedBlock(label=_("external embed"))
    quiz = QuizBlock(label=_("quiz"))
    assignment = AssignmentBlock(label=_("assignment"))
    session = InPersonSessionBlock(label=_("in-person session"))
    community_room = CommunityRoomBlock(label=_("community room"))
