"""Use cases in one place: starting pairs, programmes, answers, erasure.

The CLI, the web app and the demo call these; each returns a receipt or raises one of the typed
refusals of ``services.errors``.
"""
