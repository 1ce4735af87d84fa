"""The request pipeline: the order in which the fake answers one request, the route matching, and what each step
keeps (faults, rate limits, the Idempotency-Key cache, the request log), with the answer type they all build.

It imports only the state; what each route does comes in through the route table (``testing/_routes.py``).
"""
