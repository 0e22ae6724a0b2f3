"""“Download my data”: one ZIP of everything Sammen keeps about a resident, written while it is sent.

services.py reads the data a page at a time; document.py writes it as a printable page in the resident's
language, data.py as JSON (docs/export-schema.md); archive.py puts those and the voice messages in the
ZIP; views.py answers the resident, their advisor and the coordinator.
"""
