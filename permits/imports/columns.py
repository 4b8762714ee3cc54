"""The columns of each kind of GENESIS file, declared once: their header, in the file's order, the model
attribute each one fills and is exported from, and the widget that reads and writes its cells.

The resources build their fields from here (``permits.imports.resources``), the header check and the
export read the names from here, and a test holds docs/imports.md to the same headers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from import_export.widgets import Widget

from ..constants import (
    GENESIS_DETAINEE_STATUS,
    GENESIS_LEGAL_STATUS,
    GENESIS_PERMIT_KIND,
    GENESIS_PERMIT_STATUS,
    GENESIS_YES_NO,
)
from .widgets import CodeWidget, GenesisDateWidget, MappingWidget, TextWidget


@dataclass(frozen=True)
class GenesisColumn:
    name: str  # the header in the file
    attribute: str  # the model attribute, or a path through a relation (``establishment__code``)
    widget: Widget
    # An optional column may be missing from a file (older exports): its attribute is then left as it
    # is on existing rows and at its default on new ones. It is always exported.
    optional: bool = False

    @property
    def resolved(self) -> bool:
        """A column that names a related row (an establishment code, a detainee's écrou) is resolved by the
        resource from the file's caches; the others are set on the model by their widget."""
        return "__" in self.attribute


@dataclass(frozen=True)
class GenesisColumns:
    """The columns of one kind of file; ``label`` names the kind in the back office."""

    label: str
    columns: tuple[GenesisColumn, ...]
    names: tuple[str, ...] = field(init=False)
    required: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", tuple(column.name for column in self.columns))
        object.__setattr__(self, "required", tuple(column.name for column in self.columns if not column.optional))

    def absent(self, headers) -> frozenset[str]:
        """The optional columns missing from a file's ``headers``."""
        present = set(headers or ())
        return frozenset(column.name for column in self.columns if column.optional and column.name not in present)

    @property
    def header(self) -> str:
        """The header line of a CSV file of this kind."""
        return ";".join(self.names)

    @property
    def plain(self) -> dict[str, str]:
        """The columns set by their widget, by name, with the model attribute each one sets."""
        return {column.name: column.attribute for column in self.columns if not column.resolved}


DETAINEE_COLUMNS = GenesisColumns(
    label="Personnes détenues (GENESIS)",
    columns=(
        GenesisColumn("etablissement", "establishment__code", CodeWidget()),
        GenesisColumn("numero_ecrou", "ecrou", TextWidget(20)),
        GenesisColumn("nom", "family_name", TextWidget(150)),
        GenesisColumn("prenom", "first_name", TextWidget(150)),
        GenesisColumn("date_naissance", "birth_date", GenesisDateWidget()),
        GenesisColumn("statut", "status", MappingWidget(GENESIS_DETAINEE_STATUS)),
        GenesisColumn("subsides_autorises", "may_receive_money", MappingWidget(GENESIS_YES_NO)),
        # prévenu or condamné: the parloir's weekly limits depend on it; empty when GENESIS does not say.
        GenesisColumn("statut_juridique", "legal_status", MappingWidget(GENESIS_LEGAL_STATUS, required=False),
                      optional=True),
    ),
)

PERMIT_COLUMNS = GenesisColumns(
    label="Permis de visite (GENESIS)",
    columns=(
        GenesisColumn("numero_permis", "number", TextWidget(40)),
        GenesisColumn("etablissement", "detainee__establishment__code", CodeWidget()),
        GenesisColumn("numero_ecrou", "detainee__ecrou", CodeWidget()),
        GenesisColumn("nom_titulaire", "holder_family_name", TextWidget(150)),
        GenesisColumn("prenoms_titulaire", "holder_first_names", TextWidget(250)),
        GenesisColumn("date_naissance_titulaire", "holder_birth_date", GenesisDateWidget()),
        GenesisColumn("lien", "relationship", TextWidget(100, required=False)),
        GenesisColumn("type", "kind", MappingWidget(GENESIS_PERMIT_KIND)),
        GenesisColumn("date_debut", "valid_from", GenesisDateWidget()),
        GenesisColumn("date_fin", "valid_until", GenesisDateWidget(required=False)),
        GenesisColumn("statut", "status", MappingWidget(GENESIS_PERMIT_STATUS)),
    ),
)
