"""What the transfers tell the apps built on them, without importing them (the monitoring of the money
flows listens). Both are sent inside the transaction that made the change, so that a receiver's writes
(a hold) commit with it or not at all."""

from django.dispatch import Signal

# A transfer's amount was reserved (draft → awaiting_authorization), under the locks of its sender's and
# detainee's rows. Keyword: ``transfer`` (the locked Transfer), ``user``.
transfer_reserved = Signal()

# Transfers reached ``received`` from a régie statement. Keywords: ``transfer_ids`` (list of ints), ``user``.
transfers_received = Signal()

# A transfer was credited to the pécule (the cashier's acknowledgement). Keywords: ``transfer_id``, ``user``. The
# relative's e-mail is queued on it once the transaction commits (transfers.receivers).
transfer_credited = Signal()
