"""Webhooks as Codat sends them: endpoints, messages and their signing (``messages``), and delivery (``delivery``).

It imports nothing else of the fake: the controls publish into it.
"""
