"""One colour per entity, the same in every chart, the report and the web app.

Each C5 state, each external power and each region has one fixed colour. The colours come
from two published colour-blind-safe qualitative sets, one per group, so that the members of
a group drawn together stay distinguishable for readers with colour-vision deficiency:

* the five Central Asian states: the Okabe–Ito set (Okabe and Ito, "Color Universal Design",
  2002; republished by Wong, Nature Methods 8, 441, 2011), read from
  https://biolabs.cloud/skill/scientific-visualization/file/references/color_palettes.md and
  https://vizcept.com/blog/okabe-ito-palette-guide (accessed 2026-12-02);
* the external powers: Paul Tol's *muted* set (SRON technical note SRON/EPS/TN/09-002),
  read from https://rdrr.io/github/tesselle/khroma/src/data-raw/schemes_PaulTol.R and
  https://personal.sron.nl/~pault/ (accessed 2026-12-02);
* the regions: Paul Tol's *bright* set (same note and pages), with Okabe–Ito black for the C5
  as a region, so the focal region stands out from every country line.

The EU is one entity whether it appears as a power (``EU``, ``EUU``, ``EU27``) or as the
``eu27`` region, so it has one colour. A key that is not in the table gets a colour from Paul
Tol's *vibrant* set chosen by a stable hash of its normalised name: the same key gets the
same colour in every process and on every machine.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: Okabe–Ito (CUD) colours by their published names.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}
#: Paul Tol's qualitative sets by their published colour names.
TOL_BRIGHT = {
    "blue": "#4477AA",
    "red": "#EE6677",
    "green": "#228833",
    "yellow": "#CCBB44",
    "cyan": "#66CCEE",
    "purple": "#AA3377",
    "grey": "#BBBBBB",
}
TOL_MUTED = {
    "indigo": "#332288",
    "cyan": "#88CCEE",
    "teal": "#44AA99",
    "green": "#117733",
    "olive": "#999933",
    "sand": "#DDCC77",
    "rose": "#CC6677",
    "wine": "#882255",
    "purple": "#AA4499",
    "pale_grey": "#DDDDDD",
}
TOL_VIBRANT = {
    "orange": "#EE7733",
    "blue": "#0077BB",
    "cyan": "#33BBEE",
    "magenta": "#EE3377",
    "red": "#CC3311",
    "teal": "#009988",
    "grey": "#BBBBBB",
}

#: Colours for keys outside the table (grey is kept for "other" and missing values).
FALLBACK = tuple(v for k, v in TOL_VIBRANT.items() if k != "grey")
#: For "other", "rest of world" and values with no entity.
NEUTRAL = TOL_BRIGHT["grey"]


@dataclass(frozen=True)
class Entity:
    """A thing with a fixed colour: a country, a power or a region."""

    key: str
    label: str
    group: str  # "c5", "power" or "region"
    colour: str


_ENTITIES = (
    # The C5, Okabe–Ito.
    Entity("KAZ", "Kazakhstan", "c5", OKABE_ITO["sky_blue"]),
    Entity("KGZ", "Kyrgyzstan", "c5", OKABE_ITO["vermillion"]),
    Entity("TJK", "Tajikistan", "c5", OKABE_ITO["orange"]),
    Entity("TKM", "Turkmenistan", "c5", OKABE_ITO["bluish_green"]),
    Entity("UZB", "Uzbekistan", "c5", OKABE_ITO["blue"]),
    # External powers and neighbours, Tol muted (the EU takes Tol bright cyan, shared with its region).
    Entity("CHN", "China", "power", TOL_MUTED["rose"]),
    Entity("RUS", "Russia", "power", TOL_MUTED["indigo"]),
    Entity("USA", "United States", "power", TOL_MUTED["green"]),
    Entity("EU27", "European Union", "power", TOL_BRIGHT["cyan"]),
    Entity("TUR", "Turkey", "power", TOL_MUTED["wine"]),
    Entity("IRN", "Iran", "power", TOL_MUTED["teal"]),
    Entity("IND", "India", "power", TOL_MUTED["olive"]),
    Entity("PAK", "Pakistan", "power", TOL_MUTED["purple"]),
    Entity("AFG", "Afghanistan", "power", TOL_MUTED["sand"]),
    # Regions (indicators/regions.yaml ids and organisations used as regions), Tol bright.
    Entity("C5", "C5", "region", OKABE_ITO["black"]),
    Entity("C5_AFG", "C5+AFG", "region", TOL_BRIGHT["purple"]),
    Entity("ASEAN", "ASEAN", "region", TOL_BRIGHT["green"]),
    Entity("MERCOSUR", "Mercosur", "region", TOL_BRIGHT["yellow"]),
    Entity("EAEU", "EAEU", "region", TOL_BRIGHT["red"]),
    Entity("SCO", "SCO", "region", TOL_BRIGHT["blue"]),
    # Catch-alls.
    Entity("OTHER", "Other", "other", NEUTRAL),
    Entity("WLD", "World", "other", NEUTRAL),
)

ENTITIES: Mapping[str, Entity] = {e.key: e for e in _ENTITIES}

#: Other spellings of the same entity (after upper-casing, '+' and '-' become '_').
ALIASES: Mapping[str, str] = {
    "EU": "EU27",
    "EUU": "EU27",
    "EUN": "EU27",
    "EU27_2020": "EU27",
    "EEU": "EAEU",
    "C5_AFGHANISTAN": "C5_AFG",
    "ROW": "OTHER",
    "REST_OF_WORLD": "OTHER",
    "WORLD": "WLD",
}


def normalise(key: object) -> str:
    """The table key for ``key``: upper case, '+', '-' and spaces as '_', aliases resolved."""
    k = str(key).strip().upper().replace("+", "_").replace("-", "_").replace(" ", "_")
    return ALIASES.get(k, k)


def _hashed(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big")


def colour(key: object) -> str:
    """The fixed colour of one entity; a stable colour from its name when it is not in the table."""
    k = normalise(key)
    entity = ENTITIES.get(k)
    if entity is not None:
        return entity.colour
    return FALLBACK[_hashed(k) % len(FALLBACK)]


def label(key: object, names: Mapping[str, str] | None = None) -> str:
    """A reader's name for ``key``: ``names`` first (as given, then normalised), then the table."""
    if names:
        if key in names:
            return str(names[key])  # type: ignore[index]
        k = normalise(key)
        for given, name in names.items():
            if normalise(given) == k:
                return str(name)
    entity = ENTITIES.get(normalise(key))
    return entity.label if entity is not None else str(key)


def colours_for(keys: Iterable[object]) -> dict[str, str]:
    """Colours for the keys drawn together in one chart.

    Known entities keep their fixed colour. Unknown keys start at their hashed colour and move
    to the next free fallback colour when another key in the same chart already has it, so that
    two series of one chart never share a colour while the fallback set lasts.
    """
    out: dict[str, str] = {}
    taken: set[str] = set()
    unknown: list[str] = []
    for key in dict.fromkeys(str(k) for k in keys):
        entity = ENTITIES.get(normalise(key))
        if entity is not None:
            out[key] = entity.colour
            taken.add(entity.colour.upper())
        else:
            unknown.append(key)
    for key in sorted(unknown, key=normalise):
        start = _hashed(normalise(key)) % len(FALLBACK)
        for step in range(len(FALLBACK)):
            candidate = FALLBACK[(start + step) % len(FALLBACK)]
            if candidate.upper() not in taken:
                break
        else:
            candidate = FALLBACK[start]
        out[key] = candidate
        taken.add(candidate.upper())
    return out


# -- membership roles --------------------------------------------------------------------------
#: Roles from the strongest tie to the weakest, one colour each, taken from the Tol sets above:
#: full participation in dark blues, looser ties in light cyan and teal, observers in sand,
#: suspension in red, withdrawal in grey.
ROLES: Mapping[str, str] = {
    "founding_member": TOL_MUTED["indigo"],
    "member": TOL_BRIGHT["blue"],
    "party": TOL_BRIGHT["blue"],
    "signatory": TOL_BRIGHT["blue"],
    "associate": TOL_MUTED["teal"],
    "partner": TOL_MUTED["cyan"],
    "dialogue_partner": TOL_MUTED["cyan"],
    "observer": TOL_MUTED["sand"],
    "suspended": TOL_BRIGHT["red"],
    "withdrawn": TOL_BRIGHT["grey"],
}
#: Whether a role is full participation (drawn solid) or a looser tie (drawn hatched).
FULL_ROLES = frozenset({"founding_member", "member", "party", "signatory"})


def _parts(role: object) -> list[str]:
    """'member+observer' -> ['member', 'observer'] (the KB joins simultaneous roles with '+')."""
    return [p.strip().lower() for p in str(role).split("+") if p.strip()] or [""]


def role_rank(role: object) -> int:
    """Position in :data:`ROLES` (strongest first) of the strongest part; unknown roles sort last."""
    order = list(ROLES)
    return min(order.index(p) if p in order else len(order) for p in _parts(role))


def role_colour(role: object) -> str:
    """The colour of a role (of its strongest part when joined); unknown roles take neutral grey."""
    strongest = min(_parts(role), key=lambda p: role_rank(p))
    return ROLES.get(strongest, NEUTRAL)


def role_label(role: object) -> str:
    """'dialogue_partner' -> 'dialogue partner'; 'member+observer' -> 'member + observer'."""
    return " + ".join(p.replace("_", " ") for p in _parts(role))
