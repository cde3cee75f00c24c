"""Table schemas of the KB data files, declared once and used by loader and validator.

Modelled on frictionless table schemas: typed fields, required values, enumerations,
patterns, unique keys and references to other tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: ``date``: an exact ISO day (access dates). ``partial_date``: a date at the precision the source
#: gives, ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (see :mod:`steppe.kb.asof`).
FieldType = Literal["string", "date", "partial_date", "list"]
Reference = Literal["countries", "organisations", "sources", "actors"]

ROLES: tuple[str, ...] = (
    "founding_member",
    "member",
    "associate",
    "observer",
    "dialogue_partner",
    "partner",
    "suspended",
    "signatory",
    "party",
)
FULL_MEMBERSHIP: tuple[str, ...] = ("founding_member", "member")
#: Roles that make a state a full member when measuring: full membership, or a party to a treaty
#: (as the Correlates of War reconciliation counts them, steppe.kb.reconcile.KB_TO_COW: code 1).
MEMBER_ROLES: tuple[str, ...] = (*FULL_MEMBERSHIP, "party")
CONFIDENCE: tuple[str, ...] = ("high", "medium", "low")
ORG_KINDS: tuple[str, ...] = (
    "economic",
    "security",
    "political",
    "financial",
    "dialogue_format",
    "environmental",
    "cultural",
    "treaty",
    "framework",
)
EVENT_TYPES: tuple[str, ...] = (
    "summit",
    "meeting",
    "treaty",
    "agreement",
    "declaration",
    "founding",
    "accession",
    "withdrawal",
    "suspension",
    "dissolution",
    "initiative",
    "project",
    "crisis",
    "clash",
    "leadership_change",
)
SOURCE_KINDS: tuple[str, ...] = (
    "treaty",
    "official_site",
    "official_document",
    "government_statement",
    "reference_work",
    "standard",
    "dataset",
    "academic",
    "news",
    "seed_text",
)
COUNTRY_KINDS: tuple[str, ...] = ("state", "observer_state", "union", "territory")

#: Organisation attributes (docs/kb.md defines each, with its reference) and the values each may
#: take; None means free text (``budget``: amount, currency and year). ``outside_powers_members``
#: holds ISO3 codes of the external powers (:data:`OUTSIDE_POWERS`) separated by ``;``, or ``none``.
YES_NO: tuple[str, ...] = ("yes", "no")
ATTRIBUTE_VALUES: dict[str, tuple[str, ...] | None] = {
    # what the format is
    "type": ("organisation", "summit_format", "forum", "programme", "treaty", "bank", "framework"),
    # delegation (Hooghe-Marks) and legalization (Abbott et al. 2000)
    "legal_personality": YES_NO,
    "secretariat": YES_NO,
    "dispute_settlement": ("none", "political", "arbitration", "panel", "court"),
    # pooling (Hooghe-Marks)
    "decision_rule": ("consensus", "unanimity", "majority", "qualified_majority", "weighted_voting"),
    "majority_voting_body": YES_NO,
    # obligation (Abbott et al. 2000): binding commitments, each with its own dates
    "free_trade_area": YES_NO,
    "customs_union": YES_NO,
    "common_external_tariff": YES_NO,
    "common_market": YES_NO,
    "security_guarantee": YES_NO,
    # openness (the master's thesis on Central Asian regional integration, section 7.4)
    "accession_openness": ("open", "regional", "closed"),
    "exclusivity_clause": YES_NO,
    "partners_and_observers": YES_NO,
    "outside_powers_members": None,
    # resources
    "budget": None,
}
#: The external powers whose membership makes a format "open to outside powers" (docs/domain.md);
#: ``EUU`` stands for the EU or its member states.
OUTSIDE_POWERS: tuple[str, ...] = ("CHN", "EUU", "IND", "IRN", "PAK", "RUS", "TUR", "USA")
ATTRIBUTES: tuple[str, ...] = tuple(ATTRIBUTE_VALUES)


@dataclass(frozen=True)
class Field:
    """One column of a KB table."""

    name: str
    type: FieldType = "string"
    required: bool = False
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    ref: Reference | None = None


@dataclass(frozen=True)
class Table:
    """One KB table: its file (or folder of files), fields and primary key."""

    name: str
    fields: tuple[Field, ...]
    key: str | None = None
    optional: bool = False

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


ISO3 = r"^[A-Z]{3}$"
SLUG = r"^[a-z][a-z0-9_]*$"
ID = r"^[a-z0-9][a-z0-9_.-]*$"

SOURCES = Table(
    "sources",
    (
        Field("id", required=True, pattern=ID),
        Field("title", required=True),
        Field("author"),
        Field("publisher"),
        Field("date", "partial_date"),
        Field("url", required=True),
        Field("kind", required=True, enum=SOURCE_KINDS),
        Field("accessed", "date"),
        Field("note"),
    ),
    key="id",
)
COUNTRIES = Table(
    "countries",
    (
        Field("iso3", required=True, pattern=ISO3),
        Field("name", required=True),
        Field("aliases", "list"),
        Field("kind", required=True, enum=COUNTRY_KINDS),
        Field("region"),
        Field("sources", "list", required=True, ref="sources"),
    ),
    key="iso3",
)
ORGANISATIONS = Table(
    "organisations",
    (
        Field("slug", required=True, pattern=SLUG),
        Field("name", required=True),
        Field("aliases", "list"),
        Field("kind", required=True, enum=ORG_KINDS),
        Field("founded", "partial_date"),
        Field("dissolved", "partial_date"),
        Field("initiators", "list", ref="actors"),
        Field("secretariat"),
        Field("secretariat_host", ref="actors"),
        Field("predecessor", ref="organisations"),
        Field("confidence", required=True, enum=CONFIDENCE),
        Field("sources", "list", required=True, ref="sources"),
        Field("note"),
    ),
    key="slug",
)
MEMBERSHIPS = Table(
    "memberships",
    (
        Field("org", required=True, ref="organisations"),
        Field("country", required=True, ref="countries"),
        Field("role", required=True, enum=ROLES),
        Field("start", "partial_date", required=True),
        Field("end", "partial_date"),
        Field("confidence", required=True, enum=CONFIDENCE),
        Field("sources", "list", required=True, ref="sources"),
        Field("note"),
    ),
)
EVENTS = Table(
    "events",
    (
        Field("id", required=True, pattern=ID),
        Field("start", "partial_date", required=True),
        Field("end", "partial_date"),
        Field("type", required=True, enum=EVENT_TYPES),
        Field("title", required=True),
        Field("place"),
        Field("participants", "list", ref="countries"),
        Field("orgs", "list", ref="organisations"),
        Field("confidence", required=True, enum=CONFIDENCE),
        Field("sources", "list", required=True, ref="sources"),
        Field("note"),
    ),
    key="id",
)

#: Where sources disagree: both claims with their sources, the value the KB adopts and why.
#: ``subject`` names the fact: ``org:<slug>:<field>``, ``membership:<slug>:<ISO3>``,
#: ``event:<id>``, ``country:<ISO3>``, ``attribute:<slug>:<attribute>``, or
#: ``cow_igo:<IONAME>:<ISO3 or *>:<YYYY>[-<YYYY>]`` for a disagreement with
#: the Correlates of War IGO data over those years (see docs/kb.md).
CONTESTED = Table(
    "contested",
    (
        Field("id", required=True, pattern=ID),
        Field("subject", required=True, pattern=r"^(org|membership|event|country|attribute|cow_igo):\S+$"),
        Field("claim", required=True),
        Field("claim_sources", "list", required=True, ref="sources"),
        Field("adopted", required=True),
        Field("adopted_sources", "list", required=True, ref="sources"),
        Field("reason", required=True),
    ),
    key="id",
    optional=True,
)

#: Organisation attributes used by the seed frameworks (definitions and references in docs/kb.md),
#: in long format: one row per organisation, attribute and period in which the value held.
ORG_ATTRIBUTES = Table(
    "org_attributes",
    (
        Field("org", required=True, ref="organisations"),
        Field("attribute", required=True, enum=ATTRIBUTES),
        Field("value", required=True),
        Field("start", "partial_date"),
        Field("end", "partial_date"),
        Field("confidence", required=True, enum=CONFIDENCE),
        Field("sources", "list", required=True, ref="sources"),
        Field("note"),
    ),
    optional=True,
)

#: What is known to be missing: an organisation (and country) whose facts could not be sourced.
#: Queries and commands touching the organisation warn about it (docs/kb.md, "Known gaps").
GAPS = Table(
    "gaps",
    (
        Field("org", ref="organisations"),
        Field("country", ref="countries"),
        Field("what", required=True),
        Field("why", required=True),
    ),
    optional=True,
)

#: Load order matters only for readability of reports: referenced tables first.
TABLES: tuple[Table, ...] = (
    SOURCES,
    COUNTRIES,
    ORGANISATIONS,
    MEMBERSHIPS,
    EVENTS,
    CONTESTED,
    ORG_ATTRIBUTES,
    GAPS,
)
TABLES_BY_NAME = {t.name: t for t in TABLES}
