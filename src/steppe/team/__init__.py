"""Team mode (issue 16): accounts and roles, KB proposals with review, coding together.

- :mod:`steppe.team.auth`: accounts, argon2 passwords, API tokens, sessions, CSRF, rate limits;
- :mod:`steppe.team.proposals`: KB proposals, review and the KB's audit log;
- :mod:`steppe.team.coding`: blind coding, comparison, agreement and adjudication.
"""
