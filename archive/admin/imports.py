"""
The article list's "Import text" screen and an interview's "Paste a transcript": the text (pasted
or a .txt file) is read by archive/importing.py, its split shown in editable fields, and only
what the editor confirms is saved, as a draft or as the interview's new exchanges.

Both are two steps on one address: the text is posted with step=preview, which shows the split;
the corrected split is posted with step=save. The preview's form carries everything that is
saved, so nothing is kept on the server in between, except which forms were already saved:
both steps carry a `submission` token, made when the text form is first shown, and the cache
remembers what each token made (`claim`). A second "Save the draft" (a double click, or Back
and the form sent again) leads to the draft the first one made, instead of making another.
"""

import contextlib
import re
import secrets
import time

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_protect

from .. import importing
from ..forms import mark_changed, posted_id, record_history
from ..models import Article, ArticleFilm, Exchange, Film, Person, Theme
from ..pagecache import CACHE_ERRORS
from ..text import NormalisedFormField
from .widgets import (
    ReadableAutocompleteSelect,
    ReadableAutocompleteSelectMultiple,
    StorableChoicesField,
)


def autocomplete(form_field, model, name, admin_site):
    """Choose in `form_field` with the admin's autocomplete, as for `model`'s field `name`."""
    widget = (
        ReadableAutocompleteSelectMultiple
        if form_field.widget.allow_multiple_selected
        else ReadableAutocompleteSelect
    )(model._meta.get_field(name), admin_site)
    widget.choices = form_field.choices
    form_field.widget = widget


SUBMISSION = re.compile(r"[0-9a-f]{32}")
SUBMISSION_SECONDS = 7 * 24 * 60 * 60
SAVING = "saving"


def submission_field():
    return forms.CharField(
        required=False, widget=forms.HiddenInput, initial=lambda: secrets.token_hex(16)
    )


class ImportTextForm(forms.Form):
    submission = submission_field()
    text = forms.CharField(
        label="text",
        required=False,
        strip=False,
        # No max_length: a browser would cut a longer text at the box's maxlength without a
        # word. The limit is checked on the text as it came (importing.check_text).
        widget=forms.Textarea(attrs={"rows": 14, "class": "vLargeTextField"}),
        help_text="Paste the text as you received it: page debris is dropped and listed.",
    )
    file = forms.FileField(
        label="or a text file",
        required=False,
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,text/plain"}),
        help_text=f"A .txt file in UTF-8, UTF-16 or Latin-1, up to {importing.MAX_SIZE_LABEL}.",
    )
    kind = forms.ChoiceField(
        label="kind",
        required=False,
        choices=[("", "Guess from the text"), *Article.Kind.choices],
        help_text="Only an interview is split into questions and answers.",
    )
    films = StorableChoicesField(
        label="films",
        queryset=Film.objects.all(),
        required=False,
        help_text="Films it is about, besides those the text names.",
    )
    interviewee = forms.ModelChoiceField(
        label="interviewee",
        queryset=Person.objects.all(),
        required=False,
        help_text="Who answers the questions. Left empty, the person the text names most is "
        "proposed.",
    )

    def __init__(self, *args, admin_site, transcript=False, unread_size=None, **kwargs):
        """`unread_size`: the size of a post too large to read, refused as the text's."""
        super().__init__(*args, **kwargs)
        self.unread_size = unread_size
        if transcript:
            del self.fields["kind"], self.fields["films"]
            self.fields["text"].help_text = (
                "Questions that end a paragraph or share one with the start of their answer, "
                "or paragraphs starting “Q:”/“A:” or the speakers' names."
            )
        else:
            autocomplete(self.fields["films"], ArticleFilm, "film", admin_site)
        autocomplete(self.fields["interviewee"], Exchange, "interviewee", admin_site)

    def clean(self):
        data = super().clean()
        if self.unread_size is not None:
            raise forms.ValidationError(
                {
                    "text": f"The text is longer than the limit of {importing.MAX_SIZE_LABEL}: "
                    f"{self.unread_size / 1_000_000:.1f} MB were sent. Import a shorter text, "
                    "or split it."
                }
            )
        text, upload = data.get("text", ""), data.get("file")
        if self.errors:
            return data
        if text.strip() and upload:
            raise forms.ValidationError("Paste the text or choose a file, not both.")
        try:
            if upload:
                if upload.size > importing.MAX_BYTES:
                    raise importing.ImportRefused(importing.too_large(upload.size))
                data["source"] = importing.decode(upload.read())
            elif text.strip():
                data["source"] = importing.check_text(text)
            else:
                raise forms.ValidationError("Paste the text or choose a .txt file.")
            data["imported"] = importing.read_text(data["source"], data.get("kind") or None)
        except importing.ImportRefused as refusal:
            raise forms.ValidationError(str(refusal)) from None
        return data


class OfferedChoices(StorableChoicesField):
    """Checkboxes for the films, people or themes the import proposes: the ids offered travel
    with the form (in `offered_<name>`), so that the preview shows the same choices again."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return str(obj)


def offered_ids(raw):
    """The ids of an `offered_<name>` value, as the preview writes it ("3,17"), or None if it is
    not one: each a `posted_id`."""
    ids = [posted_id(part.strip()) for part in raw.split(",")] if raw.strip() else []
    return None if None in ids else ids


class ImportPreviewForm(forms.Form):
    kind = forms.ChoiceField(label="kind", choices=Article.Kind.choices)
    title = NormalisedFormField(label="title", max_length=250)
    standfirst = forms.CharField(
        label="standfirst",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
        help_text="Proposed from the first sentence: one or two sentences introducing the piece.",
    )
    body = forms.CharField(
        label="body",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16, "class": "vLargeTextField"}),
        help_text="Paragraphs separated by a blank line. For an interview, the introduction.",
    )
    films = OfferedChoices(label="films", queryset=Film.objects.none(), required=False)
    people = OfferedChoices(
        label="people it is about", queryset=Person.objects.none(), required=False
    )
    themes = OfferedChoices(label="themes", queryset=Theme.objects.none(), required=False)
    interviewee = forms.ModelChoiceField(
        label="interviewee",
        queryset=Person.objects.all(),
        required=False,
        help_text="Who answers every question below.",
    )
    dropped = forms.Field(required=False, widget=forms.MultipleHiddenInput)
    submission = submission_field()
    offered_films = forms.CharField(required=False, widget=forms.HiddenInput)
    offered_people = forms.CharField(required=False, widget=forms.HiddenInput)
    offered_themes = forms.CharField(required=False, widget=forms.HiddenInput)

    OFFERED = {"films": Film, "people": Person, "themes": Theme}

    def __init__(self, *args, admin_site, transcript=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.unreadable_offers = []
        for name, model in self.OFFERED.items():
            raw = self.data.get(f"offered_{name}") if self.is_bound else None
            raw = raw if raw is not None else self.initial.get(f"offered_{name}", "")
            ids = offered_ids(str(raw))
            if ids is None:
                self.unreadable_offers.append(name)
                ids = []
            self.fields[name].queryset = model.objects.filter(pk__in=ids)
        autocomplete(self.fields["interviewee"], Exchange, "interviewee", admin_site)
        if transcript:
            for name in ["kind", "title", "standfirst", "body", *self.OFFERED]:
                del self.fields[name]
            self.fields["interviewee"].required = True
            self.fields["interviewee"].error_messages["required"] = (
                "Choose who gives the answers: every answer has a named speaker."
            )

    def clean(self):
        """An offer no preview wrote (the ids altered on the way) is said on its choices: the
        editor's corrections come back with it rather than with a server error."""
        data = super().clean()
        for name in self.unreadable_offers:
            if name in self.fields:
                self.add_error(
                    name,
                    f"The {name} offered could not be read. Tick them again, or import the "
                    "text again to have them offered anew.",
                )
        return data

    @property
    def dropped_lines(self):
        if self.is_bound:
            return self.data.getlist("dropped")
        return self.initial.get("dropped", [])


class ExchangePreviewForm(forms.Form):
    question = forms.CharField(
        label="question", widget=forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"})
    )
    answer = forms.CharField(
        label="answer",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "class": "vLargeTextField"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].error_messages["required"] = "Write the question."
        self.fields["answer"].error_messages["required"] = "Write the answer."

    def clean_answer(self):
        """The answer keeps its paragraphs as typed (strip=False), but one of nothing but line
        breaks and spaces, left when the editor clears the box, is no answer."""
        answer = self.cleaned_data["answer"]
        if not answer.strip():
            raise forms.ValidationError(self.fields["answer"].error_messages["required"])
        return answer


class BaseExchangePreviewFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = "remove this exchange"

    def kept(self):
        """The exchanges to save, in order: filled in and not marked for removal."""
        return [
            importing.ImportedExchange(form.cleaned_data["question"], form.cleaned_data["answer"])
            for form in self.forms
            if form.has_changed() and not self._should_delete_form(form)
        ]


ExchangePreviewFormSet = forms.formset_factory(
    ExchangePreviewForm, formset=BaseExchangePreviewFormSet, extra=1, can_delete=True
)


def import_view(model_admin, request):
    """Import text as a new draft: the text, then its split to correct, then the draft."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    return two_steps(model_admin, request, article=None)


def transcript_view(model_admin, request, object_id):
    """Add exchanges to an interview from a pasted transcript, previewed first."""
    article = model_admin.get_object(request, object_id)
    if article is None or article.kind != Article.Kind.INTERVIEW:
        raise Http404("No such interview: only an interview has questions and answers.")
    if not model_admin.has_change_permission(request, article):
        if request.method == "POST" and model_admin.has_change_permission(request):
            # A draft an editor published or scheduled since the contributor pasted the
            # transcript: nothing is added, and what they pasted or corrected is given back.
            return model_admin.locked_since_opened(request, article, transcript_texts(request))
        raise PermissionDenied(model_admin.change_refused(request, article))
    return two_steps(model_admin, request, article=article)


def transcript_texts(request):
    """(label, text) of a posted transcript: the text pasted, or the questions and answers of
    its split. Empty if the post is too large to read (the text form says so to those who may
    add the exchanges)."""
    try:
        data = request.POST
    except RequestDataTooBig:
        return []
    texts = [("Transcript", data.get("text", "").strip())]
    for index in range(min(int_or_zero(data.get("exchanges-TOTAL_FORMS")), 1000)):
        for name, label in [("question", "Question"), ("answer", "Answer")]:
            texts.append(
                (f"{label} {index + 1}", data.get(f"exchanges-{index}-{name}", "").strip())
            )
    return texts


def int_or_zero(value):
    """A count posted with a form (a formset's TOTAL_FORMS), 0 if it is not one."""
    return int(value) if value and value.isascii() and value.isdigit() else 0


def two_steps(model_admin, request, article):
    """A text beyond what Django reads of a form (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB) cannot be
    read at all: the form comes back empty, saying the limit. The CSRF middleware, which reads
    the form first, would answer it with a bare 400, so the views are exempt from it and the
    token is checked here, once the form could be read."""
    try:
        request.POST  # noqa: B018
    except RequestDataTooBig:
        form = ImportTextForm(
            {},
            admin_site=model_admin.admin_site,
            transcript=article is not None,
            unread_size=int(request.META.get("CONTENT_LENGTH") or 0),
        )
        return render_text_form(model_admin, request, article, form)
    return csrf_protect(read_steps)(request, model_admin, article)


def read_steps(request, model_admin, article):
    site, transcript = model_admin.admin_site, article is not None
    step = request.POST.get("step") if request.method == "POST" else None
    if step in ("preview", "save"):
        made = already_saved(request, request.POST.get("submission"), article)
        if made is not None:
            return made
    if step == "save":
        preview = ImportPreviewForm(request.POST, admin_site=site, transcript=transcript)
        exchanges = ExchangePreviewFormSet(request.POST, prefix="exchanges")
        if preview.is_valid() and exchanges.is_valid():
            saved = save(model_admin, request, article, preview, exchanges.kept())
            if saved is not None:
                return saved
        return render_preview(model_admin, request, article, preview, exchanges)
    form = ImportTextForm(
        request.POST or None, request.FILES or None, admin_site=site, transcript=transcript
    )
    if step == "preview" and form.is_valid():
        preview, exchanges = proposed(form.cleaned_data, site, article)
        return render_preview(model_admin, request, article, preview, exchanges)
    return render_text_form(model_admin, request, article, form)


def render_text_form(model_admin, request, article, form):
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Paste a transcript into “{article}”" if article is not None else "Import text",
        "opts": model_admin.opts,
        "original": article,
        "form": form,
        "media": model_admin.media + form.media,
    }
    return TemplateResponse(request, "admin/archive/article/import_text.html", context)


def proposed(data, site, article):
    """The preview's forms, filled with what the import found in the text."""
    imported = data["imported"]
    if article is not None and imported.kind != Article.Kind.INTERVIEW:
        imported = importing.read_text(data["source"], Article.Kind.INTERVIEW)
    recognised = importing.recognise(imported.words)
    films = list(data.get("films") or [])
    films += [film for film in recognised.films if film not in films]
    interviewee = data.get("interviewee")
    if interviewee is None and imported.kind == Article.Kind.INTERVIEW:
        interviewee = importing.likely_interviewee(imported, recognised)
    people = [person for person in recognised.people if person != interviewee]
    dropped = list(imported.dropped)
    if article is not None and imported.paragraphs:
        dropped += [f"Before the first question: {text}" for text in imported.paragraphs]
    initial = {
        "kind": imported.kind,
        "title": importing.propose_title(imported, films, interviewee),
        "standfirst": imported.standfirst,
        "body": imported.body,
        "films": [film.pk for film in films],
        "people": [person.pk for person in people],
        "themes": [theme.pk for theme in recognised.themes],
        "interviewee": interviewee.pk if interviewee else None,
        "dropped": dropped,
        "submission": data.get("submission") or secrets.token_hex(16),
        "offered_films": ",".join(str(film.pk) for film in films),
        "offered_people": ",".join(str(person.pk) for person in people),
        "offered_themes": ",".join(str(theme.pk) for theme in recognised.themes),
    }
    preview = ImportPreviewForm(initial=initial, admin_site=site, transcript=article is not None)
    exchanges = ExchangePreviewFormSet(
        initial=[
            {"question": exchange.question, "answer": exchange.answer}
            for exchange in imported.exchanges
        ],
        prefix="exchanges",
    )
    return preview, exchanges


def save(model_admin, request, article, preview, exchanges):
    """Save what the editor confirmed, with a version in the history; None if refused."""
    data = preview.cleaned_data
    interviewee = data.get("interviewee")
    is_interview = article is not None or data["kind"] == Article.Kind.INTERVIEW
    kept_in_body = []
    if not is_interview:
        # A review or feature has no exchanges: their text stays, as the body's paragraphs
        # (as `import_text --kind feature` reads an interview's text).
        kept_in_body, exchanges = exchanges, []
    if exchanges and interviewee is None:
        preview.add_error(
            "interviewee", "Choose who gives the answers: every answer has a named speaker."
        )
        return None
    if article is not None:
        if not exchanges:
            preview.add_error(None, "There is no question and answer to add.")
            return None
        with claim(data.get("submission")) as claimed:
            if not claimed:
                return already_saved(request, data.get("submission"), article)
            with transaction.atomic():
                importing.add_exchanges(article, exchanges, interviewee)
                # A change to the article: whoever has it open is told (EditConflictForm).
                mark_changed([article])
                record_history([article], request.user, "Exchanges added from a transcript.")
                model_admin.log_change(request, article, f"Added {len(exchanges)} exchanges.")
            claimed.made(article)
        messages.success(request, f"Added {len(exchanges)} exchanges to “{article}”.")
    else:
        with claim(data.get("submission")) as claimed:
            if not claimed:
                return already_saved(request, data.get("submission"), None)
            with transaction.atomic():
                article = importing.save_draft(
                    kind=data["kind"],
                    title=data["title"],
                    standfirst=data["standfirst"],
                    body="\n\n".join(
                        [data["body"].strip()]
                        + [part.strip() for e in kept_in_body for part in (e.question, e.answer)]
                    ).strip(),
                    exchanges=exchanges,
                    interviewee=interviewee,
                    films=data["films"],
                    people=data["people"],
                    themes=data["themes"],
                    by=request.user,
                )
                record_history([article], request.user, "Imported from text.")
                model_admin.log_addition(request, article, "Imported from text.")
            claimed.made(article)
        messages.success(
            request, f"The draft “{article}” was made from the text. Check it, then save it."
        )
        if kept_in_body:
            messages.info(
                request,
                f"A {article.get_kind_display().lower()} has no exchanges: its "
                f"{len(kept_in_body)} questions and answers are in the body, as paragraphs.",
            )
    return redirect(reverse("admin:archive_article_change", args=[article.pk]))


def submission_key(token):
    """The cache key of a form's `submission` token; None for a post without a valid one."""
    return f"imports:submission:{token}" if token and SUBMISSION.fullmatch(token) else None


def made_by(key):
    """What the submission `key` made: an article's id, SAVING while it is being saved, or None
    (never saved, saving failed, or the draft was deleted since: it may be saved again)."""
    try:
        value = cache.get(key)
    except CACHE_ERRORS:
        return None  # the shared cache is down: the form is saved as if sent once
    if value is not None and value != SAVING and not Article.objects.filter(pk=value).exists():
        cache.delete(key)
        return None
    return value


class claim:
    """Claim a submission token before saving what it carries: false if another request
    (the same form sent twice) claimed it first. `made(article)` records what was saved; a
    save that fails leaves the token free to be sent again."""

    def __init__(self, token):
        self.key = submission_key(token)
        self.saved = False

    def __enter__(self):
        try:
            if self.key is None or cache.add(self.key, SAVING, SUBMISSION_SECONDS):
                self.claimed = True
            elif made_by(self.key) is None:
                cache.set(self.key, SAVING, SUBMISSION_SECONDS)
                self.claimed = True
            else:
                self.claimed = False
        except CACHE_ERRORS:
            # The shared cache (Redis) is down: the editor's work is saved all the same, without
            # the guard against a second sending, rather than lost behind a server error.
            self.key, self.claimed = None, True
        return self

    def __bool__(self):
        return self.claimed

    def made(self, article):
        self.saved = True
        if self.key is not None:
            with contextlib.suppress(*CACHE_ERRORS):
                cache.set(self.key, article.pk, SUBMISSION_SECONDS)

    def __exit__(self, *exc_info):
        if self.claimed and not self.saved and self.key is not None:
            with contextlib.suppress(*CACHE_ERRORS):
                cache.delete(self.key)


def already_saved(request, token, article):
    """A redirection to what an earlier sending of this form made, with a message saying so;
    None if it made nothing. A sending still being saved is waited for (a double click)."""
    key = submission_key(token)
    if key is None:
        return None
    made = made_by(key)
    for _ in range(100):
        if made != SAVING:
            break
        time.sleep(0.1)
        made = made_by(key)
    if made is None or made == SAVING:
        return None
    if article is not None:
        messages.warning(
            request,
            f"These exchanges were already added to “{article}” (the form was sent twice): "
            "they were not added again.",
        )
    else:
        article = Article.objects.get(pk=made)
        messages.warning(
            request,
            f"This text was already saved as the draft “{article}” (the form was sent twice): "
            "here it is. No second draft was made.",
        )
    return redirect(reverse("admin:archive_article_change", args=[article.pk]))


def render_preview(model_admin, request, article, preview, exchanges):
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Check the split",
        "opts": model_admin.opts,
        "original": article,
        "preview": preview,
        "exchanges": exchanges,
        "media": model_admin.media + preview.media,
    }
    return TemplateResponse(request, "admin/archive/article/import_preview.html", context)
