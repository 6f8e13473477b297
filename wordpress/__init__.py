"""Moving a newsroom in from WordPress: `manage.py import_wordpress EXPORT.xml` and the old addresses."""
