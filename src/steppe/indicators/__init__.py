"""Trade-integration indicators, regions, dependence on external powers and composite indices.

Pure formulas live in :mod:`~steppe.indicators.formulas`; :mod:`~steppe.indicators.compute`
reads the store; :mod:`~steppe.indicators.composite` builds declared composite indices.
"""
