"""Backups that restore: one archive with the database, the voice messages and a manifest of checksums and row
counts, encrypted to an age public key when one is set (`flask --app webapp backup …`, `commands.py`).

Nothing here reads a request or the app: the command passes the settings in (`operations.Settings`).
"""
