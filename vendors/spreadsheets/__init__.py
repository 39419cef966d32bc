"""Disclosures as spreadsheets: one row per criterion, in XLSX or CSV.

- :mod:`~vendors.spreadsheets.columns`: the columns and how an answer reads in a cell.
- :mod:`~vendors.spreadsheets.files`: reading an upload safely, writing XLSX and CSV.
- :mod:`~vendors.spreadsheets.export`: the rows of a product's draft or a blank template.

Importing is a write: :func:`vendors.services.disclosure_import`.
"""
