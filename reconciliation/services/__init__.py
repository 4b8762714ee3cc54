"""Every change of the reconciliation, one module per job: ``statements`` (import of a camt.053),
``matching`` (its entries against the transfers), ``exceptions`` (the entries staff handle by hand),
``cashier`` (batches and acknowledgements), ``refunds`` (refunds and their four-eyes files). One
function per action, keyword arguments, in a transaction, with the acting user in the history.
Transfers change status through ``transfers.services`` only."""
