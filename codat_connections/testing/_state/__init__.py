"""The fake's state: companies and their connections, the lifecycle rules between statuses, the platforms it knows.

The lowest layer: it imports nothing else of the fake.
"""
