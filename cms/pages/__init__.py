"""Page types of the content site, one module per type (imported by cms/models.py)."""
