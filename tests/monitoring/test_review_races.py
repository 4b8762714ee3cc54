"""Two reviewers deciding the same alert at the same instant, each in its own thread and database connection
(PostgreSQL row locks): one decision is recorded, the other is refused in French, and the transfer is either
released or sent to refund, never both."""

from __future__ import annotations

import pytest

from monitoring.constants import AlertStatus, Decision, DecisionReason
from monitoring.errors import MonitoringError
from monitoring.services.review import decide_alert
from reconciliation.models import Refund
from tests.accounts.factories import StaffFactory
from tests.reconciliation.helpers import establishment, executed_transfer, receive
from tests.threads import all_at_once
from transfers.constants import TransferStatus

from .factories import AlertFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_accept_and_reject_at_once_one_wins_and_the_other_is_refused(tmp_path):
    est = establishment()
    transfer = executed_transfer(est)
    transfer.held = True
    transfer.save(update_fields=["held"])
    alert = AlertFactory(transfer=transfer)
    receive(tmp_path, est, [transfer])
    first, second = (StaffFactory(role="securite", establishments=[est]) for _ in range(2))
    results, errors = all_at_once([
        lambda: decide_alert(alert_id=alert.pk, user=first, decision=Decision.ACCEPT,
                             reason=DecisionReason.FAMILY_CHECKED),
        lambda: decide_alert(alert_id=alert.pk, user=second, decision=Decision.REJECT,
                             reason=DecisionReason.PRESSURE),
    ])
    assert len(results) == 1 and len(errors) == 1
    (error,) = errors
    assert isinstance(error, MonitoringError) and error.code == "decided"
    assert "déjà été décidée" in error.message
    alert.refresh_from_db()
    transfer.refresh_from_db()
    if alert.status == AlertStatus.ACCEPTED:
        assert not transfer.held and transfer.status == TransferStatus.RECEIVED and not Refund.objects.exists()
    else:
        assert alert.status == AlertStatus.REJECTED
        assert transfer.status == TransferStatus.TO_REFUND and Refund.objects.count() == 1
