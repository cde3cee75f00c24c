"""Actor matching rules: aliases, acronym case, word boundaries, longest match."""

from __future__ import annotations

from steppe.texts.actors import ActorMatcher, is_acronym

ENTRIES = [
    ("eaeu", "organisation", "Eurasian Economic Union", ["EAEU", "EEU", "Eurasian Union"]),
    (
        "sco",
        "organisation",
        "Shanghai Cooperation Organisation",
        ["SCO", "Shanghai Cooperation Organization"],
    ),
    ("c5plus1", "organisation", "C5+1", ["Central Asia plus United States"]),
    ("USA", "country", "United States", ["US", "USA"]),
    ("KAZ", "country", "Kazakhstan", ["Republic of Kazakhstan"]),
]


def _actors(text: str) -> list[str]:
    return [m.actor for m in ActorMatcher(ENTRIES).find(text)]


def test_alias_eeu_resolves_to_eaeu() -> None:
    assert _actors("the Eurasian Economic Union (EEU) came into being") == ["eaeu", "eaeu"]


def test_acronyms_are_case_sensitive_names_are_not() -> None:
    assert _actors("let us go; sco is not SCO") == ["sco"]
    assert _actors("the shanghai cooperation organization met") == ["sco"]


def test_word_boundaries_and_symbols() -> None:
    assert _actors("SCOPE and EEUX are not actors; C5+1 is, C5+12 is not") == ["c5plus1"]


def test_isation_spelling_and_wrapped_lines() -> None:
    assert _actors("Shanghai Cooperation\nOrganisation") == ["sco"]


def test_longest_match_wins() -> None:
    found = ActorMatcher(ENTRIES).find("the Republic of Kazakhstan and Kazakhstan")
    assert [(m.actor, m.surface) for m in found] == [("KAZ", "Republic of Kazakhstan"), ("KAZ", "Kazakhstan")]


def test_is_acronym() -> None:
    assert is_acronym("EEU") and is_acronym("C5+1") and not is_acronym("Eurasian Union")
