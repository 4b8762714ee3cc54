"""The contact page: a Wagtail form (subject, message, e-mail, optional permit number), protected by a
honeypot and a rate limit, e-mailed to settings.SUPPORT_EMAIL and stored for the support team."""

from __future__ import annotations

from django import forms
from django.db import models
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.forms.forms import FormBuilder
from wagtail.contrib.forms.models import AbstractForm, AbstractFormField
from wagtail.fields import RichTextField

from core.ratelimit import client_address

from ..constants import CONTACT_HONEYPOT_FIELD, FORM_MESSAGE_MAX_LENGTH, FORM_TEXT_MAX_LENGTH
from ..services import ContactRefused, submit_contact_message
from .base import PortalPageMixin


def _bounded(options: dict, limit: int) -> dict:
    """``options`` of a text field with at most ``limit`` characters, and the French error beyond."""
    messages = {**options.get("error_messages", {}), "max_length": _(
        "Ce champ compte au plus %(limit_value)d caractères (actuellement %(show_value)d)."
    )}
    return {**options, "max_length": limit, "error_messages": messages}


# RGAA 11.13: a field asking the sender about themself says so to their browser (autocomplete), by the field's
# name in the form (its label folded: "Prénom" → "prenom"). Any other field is left to the browser.
PERSONAL_AUTOCOMPLETE = {
    "nom": "family-name", "nom_de_famille": "family-name", "votre_nom": "family-name",
    "prenom": "given-name", "prenoms": "given-name", "votre_prenom": "given-name",
    "nom_et_prenom": "name", "nom_complet": "name",
    "adresse_electronique": "email", "courriel": "email", "e_mail": "email", "email": "email",
    "telephone": "tel", "numero_de_telephone": "tel",
    "date_de_naissance": "bday",
    "adresse": "street-address", "adresse_postale": "street-address", "code_postal": "postal-code",
    "ville": "address-level2", "commune": "address-level2",
}


def _personal(field, options: dict, widget_class) -> dict:
    """``options`` with the widget's autocomplete token when ``field`` asks for the sender's own data."""
    token = "email" if field.field_type == "email" else PERSONAL_AUTOCOMPLETE.get(field.clean_name)
    if token is None:
        return options
    return {**options, "widget": widget_class(attrs={"autocomplete": token})}


class PortalFormBuilder(FormBuilder):
    """Wagtail's form builder with every free text the public can send bounded (a 4 MB message was stored and
    e-mailed): a message at FORM_MESSAGE_MAX_LENGTH characters, any other text at FORM_TEXT_MAX_LENGTH; a field
    about the sender (e-mail, names, telephone, birth date…) has its ``autocomplete`` (PERSONAL_AUTOCOMPLETE)."""

    def get_field_options(self, field):
        """Each error names its field ("Saisissez le champ « Message »."), in the field and in the form's error
        summary, where a bare "Champ requis." twice told nothing."""
        options = super().get_field_options(field)
        choose = field.field_type in ("dropdown", "multiselect", "radio", "checkboxes", "checkbox")
        required = (_("Choisissez une réponse pour « %(label)s ».") if choose
                    else _("Saisissez le champ « %(label)s »."))
        messages = {"required": required % {"label": field.label}}
        if field.field_type == "email":
            messages["invalid"] = _("Saisissez une adresse électronique valide, par exemple nom@exemple.fr.")
        if field.field_type in ("date", "datetime"):
            messages["invalid"] = _("Saisissez une date valide, par exemple 24/08/1962.")
        if field.field_type == "number":
            messages["invalid"] = _("Saisissez un nombre pour « %(label)s ».") % {"label": field.label}
        return {**options, "error_messages": messages}

    def create_singleline_field(self, field, options):
        return forms.CharField(**_bounded(_personal(field, options, forms.TextInput), FORM_TEXT_MAX_LENGTH))

    def create_multiline_field(self, field, options):
        options.setdefault("widget", forms.Textarea)
        return forms.CharField(**_bounded(options, FORM_MESSAGE_MAX_LENGTH))

    def create_email_field(self, field, options):
        return forms.EmailField(**_bounded(_personal(field, options, forms.EmailInput), 254))

    def create_date_field(self, field, options):
        return super().create_date_field(field, _personal(field, options, forms.DateInput))

    def create_url_field(self, field, options):
        return super().create_url_field(field, _bounded(options, FORM_TEXT_MAX_LENGTH))

    def create_hidden_field(self, field, options):
        options.setdefault("widget", forms.HiddenInput)
        return forms.CharField(**_bounded(options, FORM_TEXT_MAX_LENGTH))


class ContactFormField(AbstractFormField):
    page = ParentalKey("ContactPage", on_delete=models.CASCADE, related_name="form_fields")

    class Meta(AbstractFormField.Meta):
        verbose_name = _("champ du formulaire")
        verbose_name_plural = _("champs du formulaire")


class ContactPage(PortalPageMixin, AbstractForm):
    intro = RichTextField(_("introduction"), features=["bold", "italic", "link"], blank=True)
    thank_you_text = RichTextField(_("message après envoi"), features=["bold", "italic", "link"], blank=True)

    content_panels = AbstractForm.content_panels + [
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("Champs du formulaire")),
        FieldPanel("thank_you_text"),
    ]
    subpage_types: list[str] = []
    max_count = 1
    template = "cms/contact_page.html"
    form_builder = PortalFormBuilder
    landing_page_template = "cms/contact_page_landing.html"

    class Meta:
        verbose_name = _("page de contact")
        verbose_name_plural = _("pages de contact")

    def get_form_class(self):
        base = super().get_form_class()
        return type("ContactForm", (base,), {
            CONTACT_HONEYPOT_FIELD: forms.CharField(
                label=_("Ne pas remplir ce champ"), required=False, max_length=FORM_TEXT_MAX_LENGTH,
                widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
            ),
        })

    def serve(self, request, *args, **kwargs):
        if request.method != "POST":
            return super().serve(request, *args, **kwargs)
        form = self.get_form(request.POST, request.FILES, page=self, user=request.user)
        status = 200
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != CONTACT_HONEYPOT_FIELD}
            try:
                submission = submit_contact_message(
                    page=self, data=data, honeypot=form.cleaned_data.get(CONTACT_HONEYPOT_FIELD, ""),
                    client_address=client_address(request),
                )
            except ContactRefused as refusal:
                form.add_error(None, refusal.message)
                status = refusal.status
            else:
                return self.render_landing_page(request, submission, *args, **kwargs)
        context = self.get_context(request)
        context["form"] = form
        return TemplateResponse(request, self.get_template(request), context, status=status)
