"""The control surface: every control a test calls, the HTTP control API that calls the same controls, its
OpenAPI document, and the hosted Link page.
"""
