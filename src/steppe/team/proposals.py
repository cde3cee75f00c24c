"""KB proposals with review, and the KB's audit log.

A coder or editor *proposes* one addition or change to the knowledge base (a membership, an
event or an organisation attribute) with its source: the page's URL, the day it was read and
the source's kind. A *different* editor approves or rejects it. An approved proposal enters the
KB with its author, reviewer and time; every step (proposed, approved, rejected, withdrawn) is a
row of the audit log that ``steppe kb history`` shows.

**The effective KB** is the bundled KB files (or STEPPE_KB's folder) with every approved
proposal applied on top, in the order they were approved: a change replaces the row it names
(its *target*), an addition adds its row, and either adds its source as ``proposal-<id>`` in
``sources``. An approved row also replaces a row of the files with the same key, so when a later
release of the files carries the same fact, nothing is doubled. Whenever the files change the
store reloads them and replays the approved proposals (:func:`replay`, called by
:func:`steppe.kb.sync.ensure_kb`), so the rule holds after every upgrade.

**No silent overwrite.** A change proposal records the *version* (a digest) of the row it
changes. Approving it checks that the row is still that version; if someone's approved
proposal changed the row meanwhile, the approval stops with one sentence saying who changed it
and that the proposal must be written again against the current row. A proposal itself carries
a version too: two reviewers deciding it at once cannot both succeed.

Keys (what ``--change`` names): a membership ``org/country/role/start`` (``sco/IND/member/2017-06-09``),
an event its ``id``, an organisation attribute ``org/attribute/value/start`` (start may be empty).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from steppe.errors import ConflictError, NotFoundError, PermissionDeniedError, UsageError, ValidationError
from steppe.kb.asof import text_of
from steppe.kb.loader import KnowledgeBase, parse_cells, read_kb
from steppe.kb.records import Problem, Row
from steppe.kb.schema import SOURCE_KINDS, TABLES_BY_NAME
from steppe.kb.validate import check
from steppe.store import Store
from steppe.store import proposals as store_proposals
from steppe.team.auth import User, require

#: What a proposal may add or change: kind -> KB table.
KINDS: dict[str, str] = {"membership": "memberships", "event": "events", "org_attribute": "org_attributes"}

#: Partial-date fields of the tables proposals touch -> (earliest, precision) store columns.
_DATES: dict[str, tuple[str, str]] = {
    "start": ("start_date", "start_precision"),
    "end": ("end_date", "end_precision"),
}


def _store(store: Store | None) -> Store:
    from steppe.kb.sync import kb_store

    return kb_store(store)


# -- keys, versions and cells -----------------------------------------------------------------
def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(getattr(value, "text", value))


def key_of(table: str, cells: dict[str, str]) -> str:
    """The key of a row given as cell texts (the form ``--change`` takes)."""
    if table == "events":
        return cells.get("id", "")
    if table == "memberships":
        return "/".join(cells.get(f, "") for f in ("org", "country", "role", "start"))
    return "/".join(cells.get(f, "") for f in ("org", "attribute", "value", "start"))


def cells_of_row(table: str, row: dict[str, Any]) -> dict[str, str]:
    """A stored ``kb_*`` row as the cell texts of the KB file that would hold it."""
    cells: dict[str, str] = {}
    for field in TABLES_BY_NAME[table].fields:
        if field.name in _DATES:
            earliest, precision = _DATES[field.name]
            day = row.get(earliest)
            cells[field.name] = text_of(day, row[precision]) if day is not None else ""
        else:
            cells[field.name] = _text(row.get(field.name))
    return cells


def version_of(row: dict[str, Any]) -> str:
    """A digest of a stored row: it changes whenever any of its values does."""
    text = json.dumps({k: _text(v) for k, v in sorted(row.items())}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _find(store: Store, table: str, key: str) -> dict[str, Any] | None:
    """The stored row of ``table`` with ``key``, or None."""
    if table == "events":
        rows = store_proposals.rows_of(store, table, event_id=key)
    else:
        rows = store_proposals.rows_of(store, table, org=key.split("/", 1)[0])
    for row in rows:
        if key_of(table, cells_of_row(table, row)) == key:
            return row
    return None


def _normal_cells(cells: dict[str, Any]) -> dict[str, str]:
    return {str(k).strip(): _text(v).strip() for k, v in cells.items()}


# -- parsing a proposal into KB rows ---------------------------------------------------------
def source_id(proposal_id: int | None) -> str:
    return f"proposal-{proposal_id}" if proposal_id is not None else "proposal-new"


def _rows(
    table: str,
    cells: dict[str, str],
    sid: str,
    url: str,
    accessed: date,
    kind: str,
    title: str | None,
    where: str,
) -> tuple[Row, Row]:
    """The proposed row (citing its source ``sid``) and that source's row; one error on bad cells."""
    sources = [s.strip() for s in cells.get("sources", "").split(";") if s.strip()]
    full = {**cells, "sources": "; ".join([*[s for s in sources if s != sid], sid])}
    row, problems = parse_cells(TABLES_BY_NAME[table], full, where)
    if row is None:
        raise ValidationError(
            f"The proposed {table[:-1].replace('_', ' ')} is invalid: {problems[0]}.", problems
        )
    source = Row(
        "sources",
        where,
        1,
        {
            "id": sid,
            "title": title or url,
            "author": None,
            "publisher": None,
            "date": None,
            "url": url,
            "kind": kind,
            "accessed": accessed,
            "note": f"Cited by KB {where}.",
        },
    )
    return row, source


def _parsed(p: dict[str, Any]) -> tuple[Row, Row]:
    return _rows(
        KINDS[p["kind"]],
        json.loads(p["record"]),
        source_id(p["proposal_id"]),
        p["source_url"],
        p["source_accessed"],
        p["source_kind"],
        p["source_title"],
        f"proposal #{p['proposal_id']}",
    )


def _replace_in(tables: dict[str, list[Row]], table: str, drop: set[str], row: Row, source: Row) -> None:
    """Apply one proposal to parsed tables (the Python twin of :func:`_apply`)."""
    tables[table] = [
        r for r in tables[table] if key_of(table, {f: _text(v) for f, v in r.values.items()}) not in drop
    ] + [row]
    tables["sources"] = [r for r in tables["sources"] if r["id"] != source["id"]] + [source]


#: Parsed KB files and the problems of the effective KB, keyed by the files' folder and
#: fingerprint (and the approved proposals): validating a proposal re-reads nothing unchanged.
_FILES: dict[tuple[str, str], dict[str, list[Row]]] = {}
_PROBLEMS: dict[tuple[Any, ...], set[Problem]] = {}


def _effective_tables(store: Store) -> tuple[dict[str, list[Row]], tuple[Any, ...]]:
    """The KB files with every approved proposal applied, as parsed rows (for validation), and a
    key that changes whenever they do."""
    from steppe.kb.loader import fingerprint
    from steppe.kb.sync import kb_folder

    folder = Path(kb_folder(store))
    files = (str(folder), fingerprint(folder))
    if files not in _FILES:
        if len(_FILES) >= 4:
            _FILES.clear()
        _FILES[files] = read_kb(folder)[0]
    tables = dict(_FILES[files])  # _replace_in swaps lists, never edits the cached ones
    approved = store_proposals.approved(store)
    for p in approved:
        table = KINDS[p["kind"]]
        row, source = _parsed(p)
        drop = {key_of(table, json.loads(p["record"]))} | ({p["target"]} if p["target"] else set())
        _replace_in(tables, table, drop, row, source)
    return tables, (*files, tuple(p["proposal_id"] for p in approved))


def _check_against_kb(store: Store, table: str, drop: set[str], row: Row, source: Row) -> None:
    """Refuse a row that breaks a KB rule (unknown org, overlapping period ...) the KB does not break."""
    tables, key = _effective_tables(store)
    if key not in _PROBLEMS:
        if len(_PROBLEMS) >= 16:
            _PROBLEMS.clear()
        _PROBLEMS[key] = set(check(tables))
    before = _PROBLEMS[key]
    _replace_in(tables, table, drop, row, source)
    new = sorted(set(check(tables)) - before, key=lambda p: (p.file, p.line or 0, p.field or ""))
    if new:
        more = f" (and {len(new) - 1} more)" if len(new) > 1 else ""
        raise ValidationError(f"The proposed change breaks a KB rule: {_plain(new[0])}{more}.", new)


def _plain(problem: Problem) -> str:
    """A problem in words: located when it is a row of the KB, not of the proposal itself."""
    if problem.file.startswith(("the proposal", "proposal #")):
        return f"{problem.field}: {problem.message}" if problem.field else problem.message
    return str(problem)


# -- writing into the stored KB ----------------------------------------------------------------
def _key_columns(table: str, row: dict[str, Any]) -> dict[str, Any]:
    return {c: row.get(c) for c in store_proposals.KEY_COLUMNS[table]}


def _apply(store: Store, table: str, target: str | None, row: Row, source: Row) -> None:
    """Write one approved proposal into the ``kb_*`` tables: drop the row it replaces (its target
    and any row with its key), add its row and its source."""
    for key in {target, key_of(table, {f: _text(v) for f, v in row.values.items()})}:
        if key:
            current = _find(store, table, key)
            if current is not None:
                store_proposals.delete_row(store, table, _key_columns(table, current))
    store_proposals.delete_source(store, source["id"])
    kb = KnowledgeBase(Path("."), {"sources": [source], table: [row]}, "")
    from steppe.kb.sync import store_frame

    store_proposals.insert_kb_rows(store, "sources", store_frame(kb, "sources"))
    store_proposals.insert_kb_rows(store, table, store_frame(kb, table))


def replay(store: Store) -> int:
    """Apply every approved proposal, in approval order, to a freshly loaded KB; return how many."""
    done = 0
    for p in store_proposals.approved(store):
        row, source = _parsed(p)
        _apply(store, KINDS[p["kind"]], p["target"], row, source)
        done += 1
    return done


def _about(table: str, *cells: dict[str, str] | None) -> tuple[str | None, str | None]:
    """Organisations and countries a change is about (space-separated), for the history filters."""
    orgs: set[str] = set()
    countries: set[str] = set()
    for c in cells:
        if not c:
            continue
        if table == "events":
            orgs.update(s.strip() for s in c.get("orgs", "").split(";") if s.strip())
            countries.update(s.strip() for s in c.get("participants", "").split(";") if s.strip())
        else:
            orgs.add(c.get("org", ""))
            if c.get("country"):
                countries.add(c["country"])
    return (" ".join(sorted(o for o in orgs if o)) or None, " ".join(sorted(countries)) or None)


def _log(store: Store, p: dict[str, Any], event: str, who: str, note: str | None = None,
         before: dict[str, str] | None = None, after: dict[str, str] | None = None) -> None:  # fmt: skip
    table = KINDS[p["kind"]]
    record = json.loads(p["record"])
    org, country = _about(table, before, record)
    store_proposals.log_change(
        store,
        {
            "proposal_id": p["proposal_id"],
            "event": event,
            "kind": p["kind"],
            "action": p["action"],
            "target": p["target"],
            "result_key": key_of(table, record),
            "org": org,
            "country": country,
            "before_record": json.dumps(before, ensure_ascii=False) if before else None,
            "after_record": json.dumps(after, ensure_ascii=False) if after else None,
            "author": p["author"],
            "reviewer": who if event in ("approved", "rejected") else None,
            "note": note,
        },
    )


# -- the API -----------------------------------------------------------------------------------
def _check_source(url: str, accessed: date | str, kind: str) -> date:
    parts = urlparse((url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(
            f"Source URL '{url}' is not a web address; give the http(s) address of the page read."
        )
    if isinstance(accessed, str):
        try:
            accessed = date.fromisoformat(accessed.strip())
        except ValueError:
            raise UsageError(
                f"Access date '{accessed}' is not a date; give the day you read it as YYYY-MM-DD."
            ) from None
    if accessed > date.today():
        raise UsageError(f"Access date {accessed} is in the future; give the day you read the source.")
    if kind not in SOURCE_KINDS:
        raise UsageError(f"Source kind '{kind}' is not one of {', '.join(SOURCE_KINDS)}.")
    return accessed


def propose(
    kind: str,
    cells: dict[str, Any],
    *,
    author: User,
    source_url: str,
    accessed: date | str,
    source_kind: str,
    source_title: str | None = None,
    target: str | None = None,
    reason: str | None = None,
    store: Store | None = None,
) -> dict[str, Any]:
    """Propose adding a row (``target`` None) or changing the row ``target``; return the proposal.

    ``cells`` are the row's fields as the KB files write them (``start`` ``2017-06``, lists
    separated by ``;``); for a change they override the current row's cells. The proposal is
    checked against every KB rule now, and again when it is approved.
    """
    require(author, "coder", "Proposing a KB change")
    if kind not in KINDS:
        raise UsageError(f"Unknown proposal kind '{kind}'; use one of {', '.join(KINDS)}.")
    table = KINDS[kind]
    day = _check_source(source_url, accessed, source_kind)
    st = _store(store)
    given = _normal_cells(cells)
    with st.transaction():
        base_version = None
        before = None
        if target:
            current = _find(st, table, target)
            if current is None:
                raise NotFoundError(
                    f"No {kind.replace('_', ' ')} '{target}' in the KB; give its key as "
                    f"{_KEY_HELP[table]} (see 'steppe kb history' or the KB files)."
                )
            before = cells_of_row(table, current)
            given = {**before, **given}
            base_version = version_of(current)
        row, source = _rows(table, given, source_id(None), source_url, day, source_kind, source_title,
                            "the proposal")  # fmt: skip
        key = key_of(table, given)
        if key != target and _find(st, table, key) is not None:
            raise ConflictError(
                f"The KB already has the {kind.replace('_', ' ')} '{key}'; propose a change to it "
                f"(target '{key}') instead.",
                params=("target",),
            )
        _check_against_kb(st, table, {key} | ({target} if target else set()), row, source)
        proposal_id = store_proposals.insert_proposal(
            st,
            {
                "kind": kind,
                "action": "change" if target else "add",
                "target": target,
                "record": json.dumps(given, ensure_ascii=False, sort_keys=True),
                "base_version": base_version,
                "source_url": source_url.strip(),
                "source_accessed": day,
                "source_title": source_title,
                "source_kind": source_kind,
                "reason": reason,
                "author": author.name,
            },
        )
        p = _get(st, proposal_id)
        _log(st, p, "proposed", author.name, reason, before, given)
    return _get(st, proposal_id)


_KEY_HELP = {
    "memberships": "org/country/role/start (e.g. sco/IND/member/2017-06-09)",
    "events": "its id",
    "org_attributes": "org/attribute/value/start (start may be empty)",
}


def _get(store: Store, proposal_id: int) -> dict[str, Any]:
    p = store_proposals.proposal(store, proposal_id)
    if p is None:
        raise NotFoundError(f"No KB proposal #{proposal_id}; run 'steppe kb proposals' to list them.")
    return p


def _check_open(p: dict[str, Any], version: int | None) -> None:
    n = p["proposal_id"]
    if p["status"] != "open":
        by = f" by {p['reviewer']}" if p["reviewer"] else ""
        at = f" at {_when(p['reviewed_at'])}" if p["reviewed_at"] else ""
        raise ConflictError(f"Proposal #{n} was already {p['status']}{by}{at}; nothing was changed.")
    if version is not None and version != p["version"]:
        raise ConflictError(f"Proposal #{n} changed since you opened it; reload it and decide again.")


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if isinstance(value, datetime) else str(value)


def _reviewer(p: dict[str, Any], reviewer: User, verb: str) -> None:
    require(reviewer, "editor", f"{verb.capitalize()} a KB proposal")
    if p["author"] == reviewer.name:
        raise PermissionDeniedError(
            f"Proposal #{p['proposal_id']} was written by {reviewer.name}; a different editor must review it."
        )


def approve(
    proposal_id: int,
    *,
    reviewer: User,
    version: int | None = None,
    note: str | None = None,
    store: Store | None = None,
) -> dict[str, Any]:
    """Approve an open proposal: its row enters the KB, with the log's author, reviewer and time.

    ``version`` is the proposal's version the reviewer saw (the web form sends it); a stale one,
    a proposal already decided, or a target row changed since the proposal was written stops the
    approval with one sentence, and nothing is written.
    """
    st = _store(store)
    with st.transaction():
        store_proposals.lock_kb(st)
        p = _get(st, proposal_id)
        _reviewer(p, reviewer, "approving")
        _check_open(p, version)
        table = KINDS[p["kind"]]
        row, source = _parsed(p)
        record = json.loads(p["record"])
        key = key_of(table, record)
        before = None
        if p["target"]:
            current = _find(st, table, p["target"])
            if current is None or version_of(current) != p["base_version"]:
                raise ConflictError(_changed_since(st, p, current is None))
            before = cells_of_row(table, current)
        if key != p["target"] and _find(st, table, key) is not None:
            raise ConflictError(
                f"Proposal #{proposal_id} adds {p['kind'].replace('_', ' ')} '{key}', which entered the KB "
                "after the proposal was written; reject it, or propose a change to the current row."
            )
        _check_against_kb(st, table, {key} | ({p["target"]} if p["target"] else set()), row, source)
        _apply(st, table, p["target"], row, source)
        if not store_proposals.close_proposal(st, proposal_id, p["version"], "approved", reviewer.name, note):
            raise ConflictError(
                f"Proposal #{proposal_id} was decided by someone else a moment ago; nothing was changed."
            )
        after = _find(st, table, key)
        _log(st, p, "approved", reviewer.name, note, before, cells_of_row(table, after) if after else record)
    return _get(st, proposal_id)


def _changed_since(store: Store, p: dict[str, Any], gone: bool) -> str:
    n, what = p["proposal_id"], f"{p['kind'].replace('_', ' ')} '{p['target']}'"
    other = store_proposals.last_approved_for(store, p["kind"], p["target"], n)
    if other is not None:
        by = (
            f"proposal #{other['proposal_id']} by {other['author']}, approved by {other['reviewer']} "
            f"at {_when(other['reviewed_at'])}"
        )
    else:
        by = "a reload of the KB files"
    state = "removed or re-keyed" if gone else "changed"
    return (
        f"Proposal #{n} was written against {what}, which was {state} since by {by}; nothing was "
        "overwritten: reject it and propose the change again against the current row."
    )


def reject(
    proposal_id: int,
    *,
    reviewer: User,
    version: int | None = None,
    note: str | None = None,
    store: Store | None = None,
) -> dict[str, Any]:
    """Reject an open proposal (a different editor than its author); the KB is unchanged."""
    st = _store(store)
    with st.transaction():
        p = _get(st, proposal_id)
        _reviewer(p, reviewer, "rejecting")
        _check_open(p, version)
        if not store_proposals.close_proposal(st, proposal_id, p["version"], "rejected", reviewer.name, note):
            raise ConflictError(
                f"Proposal #{proposal_id} was decided by someone else a moment ago; nothing was changed."
            )
        _log(st, p, "rejected", reviewer.name, note)
    return _get(st, proposal_id)


def withdraw(proposal_id: int, *, author: User, store: Store | None = None) -> dict[str, Any]:
    """The author takes back an open proposal."""
    st = _store(store)
    with st.transaction():
        p = _get(st, proposal_id)
        if p["author"] != author.name:
            raise PermissionDeniedError(
                f"Only {p['author']}, who wrote proposal #{proposal_id}, can withdraw it."
            )
        _check_open(p, None)
        if not store_proposals.close_proposal(st, proposal_id, p["version"], "withdrawn", author.name, None):
            raise ConflictError(
                f"Proposal #{proposal_id} was decided by someone else a moment ago; nothing was changed."
            )
        _log(st, p, "withdrawn", author.name)
    return _get(st, proposal_id)


def proposals(
    status: str | None = None, author: str | None = None, *, store: Store | None = None
) -> list[dict]:
    if status is not None and status not in ("open", "approved", "rejected", "withdrawn"):
        raise UsageError(f"Unknown status '{status}'; use open, approved, rejected or withdrawn.")
    return store_proposals.proposals(_store(store), status, author)


def proposal(proposal_id: int, *, store: Store | None = None) -> dict[str, Any]:
    return _get(_store(store), proposal_id)


def history(
    org: str | None = None,
    country: str | None = None,
    author: str | None = None,
    proposal_id: int | None = None,
    *,
    store: Store | None = None,
) -> list[dict[str, Any]]:
    """Every change to the KB through proposals, oldest first, optionally about an organisation or
    country, or by a person (as author or reviewer)."""
    return store_proposals.changes(
        _store(store), org, country.upper() if country else None, author, proposal_id
    )
