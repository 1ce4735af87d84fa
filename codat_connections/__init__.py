"""Typed client for the connections endpoints of Codat's Platform API."""
