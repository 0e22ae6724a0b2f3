"""Page builders: the template and context of a page, built once for every view that shows it.

A builder takes the database session, the viewer and the page's arguments, and returns `(template, context)`.
It reads neither `request` nor `current_user` and renders nothing, so a test or the CLI can call it; the view
renders. Read-only: a write the page implies (marking entries seen) is the view's.
"""
