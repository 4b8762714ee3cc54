"""The sandbox cashier's acknowledgement is a file people open in a spreadsheet too: a cell a
spreadsheet would run as a formula is written as text (``core.spreadsheets``), like the batch's."""

import csv
import io

from reconciliation.constants import BATCH_COLUMNS
from sandbox.cashier import acknowledge

LINK = '=HYPERLINK("http://example.com/x","Cliquez ici")'


def test_a_hyperlink_cell_is_written_as_text():
    batch = ";".join(BATCH_COLUMNS) + "\n" + ";".join(
        ["ETABA", "12345", "DUBOIS", "Jean", "12.50", "EUR", LINK, "PAYEUR", "2026-03-01"]
    ) + "\n"
    rows = list(csv.reader(io.StringIO(acknowledge(batch, with_amounts=True)), delimiter=";"))
    assert rows[1][0] == "'" + LINK
    assert rows[1][1] == "CREDITED" and rows[1][4] == "12.50"
