"""Codat's operations as values: each checked, built into a request, paired with its decoder.

Requests are built by the generated endpoint modules' ``build_request`` (they own paths, parameter
names and encoding) after the arguments are checked here; responses are decoded with the generated
models. Both clients' resources, and their raw-response variants, use these: adding an operation is
an entry here and a declaration in ``codat_connections/_async/``.
"""
