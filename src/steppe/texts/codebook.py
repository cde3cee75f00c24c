"""Codebooks: hierarchical codes with definitions, notes, examples and keywords, kept in YAML.

A codebook file looks like::

    codebook: ecdpm                # id: lower-case letters, digits, underscore
    name: ECDPM factor groups
    version: "1"
    source: where the categories come from (required)
    codes:
      - id: structural             # unique within the codebook
        name: Foundational or structural factors
        definition: ...            # required
        include: ...               # inclusion note (optional)
        exclude: ...               # exclusion note (optional)
        examples: [passage, ...]   # example passages (optional)
        keywords: [word, "prefix*", "two words"]   # rule hits for auto-coding (optional)
        codes: [...]               # child codes (optional)

A code's key is ``<codebook>:<id>`` (``ecdpm:structural``). Validation reports every
problem with the file and the code it concerns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from steppe.errors import NotFoundError, ValidationError
from steppe.identifiers import is_identifier
from steppe.yamlfiles import yaml_problem, yaml_where


def _valid_id(value: object) -> bool:
    """Codebook and code ids: the one identifier rule (steppe.identifiers), in lower case."""
    return is_identifier(value) and str(value) == str(value).lower()


_CODE_KEYS = {"id", "name", "definition", "include", "exclude", "examples", "keywords", "codes"}
_TOP_KEYS = {"codebook", "name", "version", "source", "codes"}
#: The codebook that holds the KB actors found in texts ("actor:eaeu", "actor:KAZ").
ACTOR_CODEBOOK = "actor"


@dataclass(frozen=True)
class Code:
    """One code of a codebook."""

    key: str
    codebook: str
    id: str
    name: str
    definition: str
    parent: str | None = None
    include: str | None = None
    exclude: str | None = None
    examples: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


@dataclass
class Codebook:
    """A validated codebook: its metadata and its codes in file order (parents first)."""

    id: str
    name: str
    source: str
    version: str | None
    path: str | None
    codes: list[Code] = field(default_factory=list)

    def code(self, key_or_id: str) -> Code:
        for c in self.codes:
            if key_or_id in (c.key, c.id):
                return c
        raise NotFoundError(f"Codebook '{self.id}' has no code '{key_or_id}'.")


def bundled_codebooks() -> dict[str, Path]:
    """The codebooks shipped in ``steppe/texts/codebooks`` by id (file stem)."""
    folder = resources.files("steppe.texts") / "codebooks"
    return {
        Path(str(entry)).stem: Path(str(entry)) for entry in folder.iterdir() if entry.name.endswith(".yaml")
    }


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def parse_codebook(data: object, path: str) -> Codebook:
    """Validate a loaded YAML document; every problem is listed, each naming file and code."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise ValidationError(
            f"Codebook {path} is not a YAML mapping; start it with 'codebook:', 'name:', 'source:' "
            "and 'codes:'.",
            [f"{path}: not a mapping"],
        )
    for key in sorted(set(data) - _TOP_KEYS, key=str):
        problems.append(f"{path}: unknown top-level key '{key}'")
    cb_id = data.get("codebook")
    if not isinstance(cb_id, str) or not _valid_id(cb_id):
        problems.append(
            f"{path}: 'codebook' must be an id of lower-case letters, digits and _, starting with a letter, "
            f"at most 64 characters (got {str(cb_id)[:80]!r})"
        )
        cb_id = "?"
    elif cb_id == ACTOR_CODEBOOK:
        problems.append(f"{path}: the codebook id '{ACTOR_CODEBOOK}' is reserved for KB actors")
    for key in ("name", "source"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            problems.append(f"{path}: '{key}' is required (a non-empty string)")
    codes: list[Code] = []
    seen: set[str] = set()

    def walk(items: object, parent: Code | None, where: str) -> None:
        if not isinstance(items, list) or not items:
            problems.append(f"{path}: {where}: 'codes' must be a non-empty list")
            return
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                problems.append(f"{path}: {where}: entry {i + 1} is not a mapping")
                continue
            cid = item.get("id")
            label = f"code {cid[:80]!r}" if isinstance(cid, str) else f"{where} entry {i + 1}"
            if not isinstance(cid, str) or not _valid_id(cid):
                problems.append(f"{path}: {label}: 'id' must be lower-case letters, digits and _")
                continue
            if cid in seen:
                problems.append(f"{path}: code '{cid}': id used twice")
                continue
            seen.add(cid)
            for key in sorted(set(item) - _CODE_KEYS, key=str):
                problems.append(f"{path}: code '{cid}': unknown key '{key}'")
            for key in ("name", "definition"):
                if not isinstance(item.get(key), str) or not item[key].strip():
                    problems.append(f"{path}: code '{cid}': '{key}' is required (a non-empty string)")
            for key in ("include", "exclude"):
                if item.get(key) is not None and not isinstance(item[key], str):
                    problems.append(f"{path}: code '{cid}': '{key}' must be a string")
            for key in ("examples", "keywords"):
                if item.get(key) is not None and not _strings(item[key]):
                    problems.append(f"{path}: code '{cid}': '{key}' must be a list of non-empty strings")
            code = Code(
                key=f"{cb_id}:{cid}",
                codebook=str(cb_id),
                id=cid,
                name=str(item.get("name") or cid),
                definition=str(item.get("definition") or ""),
                parent=parent.key if parent else None,
                include=item.get("include") if isinstance(item.get("include"), str) else None,
                exclude=item.get("exclude") if isinstance(item.get("exclude"), str) else None,
                examples=tuple(item.get("examples") or ()) if _strings(item.get("examples") or []) else (),
                keywords=tuple(item.get("keywords") or ()) if _strings(item.get("keywords") or []) else (),
            )
            codes.append(code)
            if "codes" in item:
                walk(item["codes"], code, f"code '{cid}'")

    walk(data.get("codes"), None, "top level")
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ValidationError(f"Codebook {problems[0]}{more}; fix the file and load it again.", problems)
    version = data.get("version")
    return Codebook(
        id=str(cb_id),
        name=data["name"].strip(),
        source=" ".join(data["source"].split()),
        version=None if version is None else str(version),
        path=path,
        codes=codes,
    )


def load_codebook(name_or_path: str | Path) -> Codebook:
    """A bundled codebook by id (``ecdpm``, ``drivers``, ``priorities``) or a YAML file by path."""
    bundled = bundled_codebooks()
    path = bundled.get(str(name_or_path)) or Path(name_or_path)
    if not path.is_file():
        raise NotFoundError(
            f"No codebook '{name_or_path}': give a YAML file or one of {', '.join(sorted(bundled))}."
        )
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (yaml.YAMLError, RecursionError) as exc:
        raise ValidationError(
            f"Codebook {yaml_where(path, exc)} is not valid YAML ({yaml_problem(exc)}); fix the file.",
            [f"{yaml_where(path, exc)}: {yaml_problem(exc)}"],
        ) from None
    except UnicodeDecodeError:
        raise ValidationError(f"Codebook {path} is not UTF-8 text; save it as UTF-8 YAML.") from None
    return parse_codebook(data, str(path))


_LEFT_BOUNDARY = r"(?<![^\W_])"


def keyword_pattern(keyword: str, *, left_boundary: bool = True) -> str:
    """Regex for one codebook keyword: case-insensitive whole words, ``*`` as a word-ending wildcard.

    Without a wildcard an English plural ``s``/``es`` is accepted; spaces match any
    whitespace and dashes any dash, so wrapped lines still match.
    """
    kw = keyword.strip()
    wildcard = kw.endswith("*")
    kw = kw.rstrip("*")
    parts = []
    for token in re.split(r"(\s+|-)", kw):
        if not token:
            continue
        if token.isspace():
            parts.append(r"\s+")
        elif token == "-":
            parts.append(r"[-\u2010-\u2015\s]?")
        else:
            parts.append(re.escape(token))
    body = "".join(parts)
    tail = r"\w*" if wildcard else r"(?:e?s)?"
    case = "" if (len(kw) <= 8 and kw.upper() == kw and any(c.isalpha() for c in kw)) else "(?i)"
    inner = f"{body}{tail}" if not case else f"(?i:{body}{tail})"
    return rf"{_LEFT_BOUNDARY if left_boundary else ''}{inner}(?![^\W_])"
