"""transfers.references: the one format of a transfer's reference (new, found in a text, shown in groups)."""

from transfers.references import ALPHABET, LENGTH, PREFIX, REFERENCE_PATTERN, format_reference, new_reference


def test_a_new_reference_is_found_by_the_pattern_the_reconciliation_reads():
    for _ in range(50):
        reference = new_reference()
        assert len(reference) == LENGTH <= 35 and reference.startswith(PREFIX)
        assert set(reference[len(PREFIX):]) <= set(ALPHABET) and not set("IO01") & set(reference[len(PREFIX):])
        assert REFERENCE_PATTERN.findall(f"VIR {reference} PECULE") == [reference]


def test_the_pattern_refuses_what_the_portal_never_writes():
    assert REFERENCE_PATTERN.findall("PDP" + "O" * 20) == []
    assert REFERENCE_PATTERN.findall("PDP" + "A" * 19) == []


def test_a_reference_is_shown_in_groups():
    assert format_reference("PDP4F7K9Q2M") == "PDP 4F7K 9Q2M"
