"""Temporal workflows. Keep these modules free of I/O and compiled imports.

See docs/architecture.md: workflows import only `domain` and the activity models.

This package module imports nothing: the sandbox imports a workflow's package afresh for every
run it starts, so a package that imported every workflow would rebuild all of them each time.
The worker's list of workflows is `workflows.registry.ALL_WORKFLOWS`.
"""
