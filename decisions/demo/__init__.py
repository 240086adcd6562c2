"""Demonstration cases for ``manage.py load_demo``, as plain data.

Each module's ``cases()`` returns case dicts built from the organisations, service areas and
users the command has made; the command records them. Nothing here touches the database.
"""
