"""Codat's operations: what each route of Codat's API does (one function per route, named in ``_routes.py``),
with the listing rules and the query language they share.
"""
