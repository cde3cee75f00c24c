"""``session.team``: accounts, KB proposals with review, and coding together (team mode).

A thin door onto :mod:`steppe.team` for one session's store; the rules (roles, blind coding,
version checks) are that package's. Every method that acts takes the acting
:class:`steppe.team.auth.User`.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from steppe.team.auth import Accounts, LoginLimiter, User

if TYPE_CHECKING:
    from steppe.session import Session
    from steppe.store import Store


class Team:
    """Team mode (``steppe users``, ``steppe kb propose|review|history``, ``steppe texts
    compare-coders|adjudicate``) for one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    @property
    def _store(self) -> Store:
        return self._session.store

    def _kb_store(self) -> Store:
        self._session.ensure_kb()
        return self._session.store

    # -- accounts ----------------------------------------------------------------------------------
    def accounts(self, limiter: LoginLimiter | None = None) -> Accounts:
        """Accounts, tokens and sessions in this store (``limiter``: a server's shared one)."""
        return Accounts(self._store, limiter)

    def enabled(self) -> bool:
        """Whether any account exists (else a server is read-only)."""
        return Accounts(self._store).enabled()

    # -- coding together ------------------------------------------------------------------------------
    def code(
        self, doc_id: str, seg_no: int, code: str, *, user: User, memo: str | None = None
    ) -> dict[str, Any]:
        from steppe.team.coding import code as apply

        return apply(doc_id, seg_no, code, user=user, memo=memo, store=self._store)

    def uncode(self, doc_id: str, seg_no: int, code: str, *, user: User) -> dict[str, Any]:
        from steppe.team.coding import uncode

        return uncode(doc_id, seg_no, code, user=user, store=self._store)

    def visible_codings(self, user: User, doc_ids: list[str] | None = None) -> pd.DataFrame:
        from steppe.team.coding import visible_codings

        return visible_codings(user, doc_ids, store=self._store)

    def filter_visible(self, codings: pd.DataFrame, user: User) -> pd.DataFrame:
        """The rows of a codings frame ``user`` may see (blind coding)."""
        from steppe.team.coding import filter_visible, opened_comparisons

        return filter_visible(codings, user, opened_comparisons(self._store))

    def compare(
        self, doc_ids: list[str], codebook: str, *, editor: User, coders: list[str] | None = None
    ) -> dict[str, Any]:
        from steppe.team.coding import compare

        return compare(doc_ids, codebook, editor=editor, coders=coders, store=self._store)

    def adjudicate(
        self, doc_id: str, seg_no: int, code: str, decision: str, *, editor: User, note: str | None = None
    ) -> dict[str, Any]:
        from steppe.team.coding import adjudicate

        return adjudicate(doc_id, seg_no, code, decision, editor=editor, note=note, store=self._store)

    def adjudications(
        self, doc_ids: list[str] | None = None, *, history: bool = False
    ) -> list[dict[str, Any]]:
        from steppe.team.coding import adjudications

        return adjudications(doc_ids, history=history, store=self._store)

    def coding_page(self, doc_id: str, user: User) -> dict[str, Any]:
        """What a coding page shows: the document, its passages, the codes to pick from, the codings
        ``user`` may see and who coded it."""
        from steppe.errors import NotFoundError
        from steppe.store import texts as store_texts
        from steppe.texts.coding import codings

        doc = store_texts.document(self._store, doc_id)
        if doc is None:
            raise NotFoundError(f"Unknown document '{doc_id}'; see /texts for the corpus.")
        return {
            "document": doc,
            "segments": store_texts.segments(self._store, [doc_id]).to_dict("records"),
            "codes": [c for c in store_texts.codes(self._store) if not c["code"].startswith("actors:")],
            "codings": self.visible_codings(user, [doc_id]).to_dict("records"),
            "coders": sorted(set(codings([doc_id], store=self._store)["coder"])),
        }

    # -- KB proposals ----------------------------------------------------------------------------------
    def propose(
        self,
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
    ) -> dict[str, Any]:
        from steppe.team import proposals

        return proposals.propose(
            kind, cells, author=author, source_url=source_url, accessed=accessed, source_kind=source_kind,
            source_title=source_title, target=target, reason=reason, store=self._kb_store(),
        )  # fmt: skip

    def approve(
        self, proposal_id: int, *, reviewer: User, version: int | None = None, note: str | None = None
    ) -> dict[str, Any]:
        from steppe.team import proposals

        return proposals.approve(
            proposal_id, reviewer=reviewer, version=version, note=note, store=self._kb_store()
        )

    def reject(
        self, proposal_id: int, *, reviewer: User, version: int | None = None, note: str | None = None
    ) -> dict[str, Any]:
        from steppe.team import proposals

        return proposals.reject(
            proposal_id, reviewer=reviewer, version=version, note=note, store=self._kb_store()
        )

    def withdraw(self, proposal_id: int, *, author: User) -> dict[str, Any]:
        from steppe.team import proposals

        return proposals.withdraw(proposal_id, author=author, store=self._kb_store())

    def proposals(self, status: str | None = None, author: str | None = None) -> list[dict[str, Any]]:
        from steppe.team import proposals

        return proposals.proposals(status, author, store=self._kb_store())

    def history(
        self, org: str | None = None, country: str | None = None, author: str | None = None
    ) -> list[dict[str, Any]]:
        from steppe.team import proposals

        return proposals.history(org, country, author, store=self._kb_store())
