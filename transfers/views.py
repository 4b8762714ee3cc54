"""The relative's transfer pages. Thin: transfers.services acts, transfers.selectors reads."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import relative_required
from core.addresses import portal_base_url
from core.text import ascii_number
from establishments.models import Bank
from permits.eligibility import eligibility
from permits.registration import registered_permit_for
from permits.selectors import permit_cards

from . import caps, receipts, selectors, services
from .constants import HISTORY_PAGE_SIZE, TransferStatus
from .forms import AmountForm, BankSearchForm
from .psd2 import Psd2Error
from .states import ACCEPTED_STATUSES, BANK_PENDING_STATUSES

S = TransferStatus
# A double click waits this long for the first click's payment request before saying it is on its way.
INITIATION_WAIT_SECONDS = 15.0


@relative_required
@require_GET
def pecule(request: HttpRequest) -> HttpResponse:
    """The "Pécule" tab: each registered permit, usable for a transfer or why not."""
    relative = request.user.relative
    selected = None
    raw = request.GET.get("permis")
    if raw is not None:
        pk = ascii_number(raw, max_length=18)
        if pk is None:
            raise Http404
        selected = registered_permit_for(relative, pk)
        if selected is None:
            raise Http404
    cards = permit_cards(relative)
    # What is left this month never counts a transfer abandoned at the bank, whether the beat ran or not.
    services.expire_stale(relative_id=relative.pk, detainee_ids=[card["permit"].detainee_id for card in cards])
    rows = selectors.with_allowances(relative=relative, cards=cards)
    return render(
        request,
        "transfers/pecule.html",
        {"title": _("Pécule"), "relative": relative, "rows": rows, "selected": selected,
         "tab": "pecule"},
    )


@relative_required
@require_http_methods(["GET", "POST"])
def amount(request: HttpRequest, registration_id: int) -> HttpResponse:
    """"Alimenter le pécule": the amount, the caps and what is left this month."""
    relative = request.user.relative
    registration = registered_permit_for(relative, registration_id)
    if registration is None:
        raise Http404
    permit = registration.permit
    reasons = eligibility(registration).messages
    if reasons:
        for reason in reasons:
            messages.error(request, reason)
        return redirect("transfers:pecule")
    initial = {"key": uuid.uuid4()}
    if request.method == "GET":
        services.expire_stale(relative_id=relative.pk, detainee_ids=[permit.detainee_id])
        # "Modifier le montant" on the bank list: the amount typed before, to change.
        previous = selectors.draft_to_amend(relative=relative, permit=permit, reference=request.GET.get("virement", ""))
        if previous is not None:
            initial["amount"] = AmountForm.as_typed(previous.amount)
    form = AmountForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            transfer = services.create_draft(
                relative=relative, permit=permit, amount=form.cleaned_data["amount"],
                idempotency_key=form.cleaned_data["key"],
            )
        except services.TransferRefused as exc:
            for message in exc.messages:
                form.add_error("amount", message)
        else:
            return redirect("transfers:bank", reference=transfer.reference)
    return render(
        request,
        "transfers/amount.html",
        {"title": _("Alimenter le pécule"), "form": form, "permit": permit, "registration": registration,
         "allowance": caps.allowance(relative=relative, detainee=permit.detainee), "tab": "pecule"},
        status=400 if form.is_bound and form.errors else 200,
    )


def _report_urls(transfer) -> tuple[str, str]:
    url = portal_base_url() + reverse("transfers:done", kwargs={"reference": transfer.reference})
    return url, f"{url}?issue=echec"


def _own_transfer(request: HttpRequest, reference: str):
    if len(reference) > 35:
        raise Http404
    transfer = selectors.transfer_for_relative(relative=request.user.relative, reference=reference)
    if transfer is None:
        raise Http404
    return transfer


@relative_required
@require_http_methods(["GET", "POST"])
def choose_bank(request: HttpRequest, reference: str) -> HttpResponse:
    """"Sélectionnez votre banque", then off to the bank's own pages."""
    transfer = _own_transfer(request, reference)
    if transfer.status != S.DRAFT:
        # Back button or double click: the payment request exists already, or the transfer is over.
        if transfer.status == S.AWAITING_AUTHORIZATION and transfer.consent_url:
            return redirect(transfer.consent_url)
        if transfer.status != S.AWAITING_AUTHORIZATION:
            return redirect("transfers:done", reference=transfer.reference)
    search = BankSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    banks = selectors.bank_choices(query)
    status = 200
    if request.method == "POST":
        raw = request.POST.get("bank", "")
        pk = ascii_number(raw, max_length=17)
        bank = Bank.objects.filter(enabled=True, pk=pk).first() if pk is not None else None
        if bank is None:
            messages.error(request, _("Sélectionnez votre banque dans la liste."))
            status = 400
        else:
            ok_url, ko_url = _report_urls(transfer)
            try:
                transfer = services.initiate_payment(
                    transfer_id=transfer.pk, bank=bank, user=request.user,
                    successful_report_url=ok_url, unsuccessful_report_url=ko_url, wait_seconds=INITIATION_WAIT_SECONDS,
                )
            except services.InitiationInProgress as exc:
                messages.info(request, exc.messages[0])
                status = 409
            except services.TransferRefused as exc:
                for message in exc.messages:
                    messages.error(request, message)
                return redirect("transfers:pecule")
            except Psd2Error as exc:
                messages.error(request, str(exc.user_message))
                transfer.refresh_from_db()
                if transfer.status != S.AWAITING_AUTHORIZATION:
                    return redirect("transfers:done", reference=transfer.reference)
                status = 502
            else:
                if transfer.consent_url and transfer.status == S.AWAITING_AUTHORIZATION:
                    return redirect(transfer.consent_url)
                return redirect("transfers:done", reference=transfer.reference)
    return render(
        request,
        "transfers/bank.html",
        {"title": _("Sélectionnez votre banque"), "transfer": transfer, "banks": banks, "search": search,
         "registration": selectors.registration_of_transfer(relative=request.user.relative, transfer=transfer)
         if transfer.status == S.DRAFT else None,
         "query": query, "shown_count": sum(choice.shown for choice in banks), "tab": "pecule"},
        status=status,
    )


@relative_required
@require_GET
def done(request: HttpRequest, reference: str) -> HttpResponse:
    """Back from the bank: ask it where the payment stands, then say so. Replaying this page changes
    nothing; another relative's reference is unknown here."""
    transfer = _own_transfer(request, reference)
    if transfer.status in BANK_PENDING_STATUSES and transfer.payment_request_id:
        try:
            transfer = services.refresh_from_bank(transfer_id=transfer.pk, user=request.user)
        except Psd2Error as exc:
            messages.warning(request, str(exc.user_message))
        transfer = selectors.transfer_for_relative(relative=request.user.relative, reference=reference)
    receipt = selectors.receipt_for(transfer)
    accepted = transfer.status in ACCEPTED_STATUSES
    return render(
        request,
        "transfers/done.html",
        {"title": _("Votre virement a été pris en compte") if accepted else _("Votre virement"),
         "transfer": transfer, "accepted": accepted, "receipt": receipt,
         "steps": selectors.transfer_steps(transfer) if accepted else [],
         "next_steps": receipts.next_steps(receipt), "tab": "pecule"},
    )


@relative_required
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    """"Voir l'historique": the last six months, newest first."""
    relative = request.user.relative
    services.expire_stale(relative_id=relative.pk)
    paginator = Paginator(selectors.history_for(relative), HISTORY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "transfers/history.html",
        {"title": _("Historique de vos virements"), "page": page, "rows": selectors.history_rows(page.object_list),
         "tab": "pecule"},
    )


@relative_required
@require_GET
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    """One transfer of the history: its receipt and the steps it went through."""
    services.expire_stale(relative_id=request.user.relative.pk)
    transfer = _own_transfer(request, reference)
    receipt = selectors.receipt_for(transfer)
    return render(
        request,
        "transfers/detail.html",
        {"title": _("Virement %(ref)s") % {"ref": receipt.reference}, "transfer": transfer, "receipt": receipt,
         "steps": selectors.transfer_steps(transfer), "next_steps": receipts.next_steps(receipt),
         "tab": "pecule"},
    )


@relative_required
@require_GET
def receipt_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    """The receipt as a PDF, for the transfer's owner only."""
    transfer = _own_transfer(request, reference)
    response = HttpResponse(receipts.receipt_pdf(transfer), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{receipts.receipt_filename(transfer)}"'
    return response


@relative_required
@require_GET
def resume(request: HttpRequest, reference: str) -> HttpResponse:
    """"Reprendre le virement": back to the bank's consent page while it is valid, else why not."""
    transfer = _own_transfer(request, reference)
    if selectors.consent_still_valid(transfer):
        return redirect(transfer.consent_url)
    if transfer.status == S.AWAITING_AUTHORIZATION:
        services.expire_stale(relative_id=request.user.relative.pk)
        transfer = _own_transfer(request, reference)
        if transfer.status == S.AWAITING_AUTHORIZATION and not transfer.payment_request_id:
            # The bank did not answer when it was sent: the bank list lets the payer try again.
            return redirect("transfers:bank", reference=transfer.reference)
    return render(
        request,
        "transfers/resume_refused.html",
        {"title": _("Ce virement ne peut plus être repris"), "transfer": transfer, "tab": "pecule"},
        status=409,
    )


@relative_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, reference: str) -> HttpResponse:
    """"Annuler le virement": a confirmation page, then the cancellation (POST), which frees the cap."""
    transfer = _own_transfer(request, reference)
    if request.method == "POST":
        try:
            services.cancel_transfer(transfer_id=transfer.pk, relative=request.user.relative)
        except services.TransferRefused as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("transfers:history")
        messages.success(
            request, _("Le virement %(ref)s a été annulé. Aucune somme ne sera prélevée.") % {"ref": transfer.reference}
        )
        return redirect("transfers:history")
    refusal = selectors.cancellation_refusal(transfer)
    if refusal:
        messages.error(request, refusal)
        return redirect("transfers:history")
    return render(
        request,
        "transfers/cancel.html",
        {"title": _("Annuler le virement %(ref)s ?") % {"ref": transfer.reference}, "transfer": transfer,
         "tab": "pecule"},
    )
