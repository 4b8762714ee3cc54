"""GENESIS imports and exports of detainees and visit permits (django-import-export), by what each part does:

- ``files``: reading a file into a dataset (size, encoding, CSV or XLSX, header) and the admin's file
  formats, which write exports with their formulas escaped;
- ``widgets``: one GENESIS cell read into a Python value and written back (text, dates, coded values);
- ``columns``: the columns of each kind of file, declared once (header, model attribute, widget);
- ``resources``: the detainee and visit permit resources built on those columns (scope, validation,
  preview, batched writes with history).

The back office (``permits.forms``) and ``manage.py import_genesis`` (through ``permits.services``) use
the same modules; docs/imports.md describes the files and the rules.
"""
