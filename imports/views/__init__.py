"""Admin screens of bulk import and export ("Nhập, xuất dữ liệu"): ``common`` (who may do what),
``jobs`` (upload, history, one job), ``exports`` (templates, the export), ``urls``.

- Upload (``imports_jobs:upload``): target, unit, file, saved mapping, sheet, mode, and for a
  system administrator "publish directly"; the job is created and its check (a dry run) queued.
- One job (``imports_jobs:job``): status and progress (the page polls ``imports_jobs:progress``),
  cancel while it runs; once checked the counts, the columns matched and ignored, the rows with
  their outcome and per-cell errors (filtered by outcome), the error workbook and the original
  file, and "Import" (refused with its reason in all-or-nothing mode when rows have errors).
- The history (``imports_jobs:history``), the template of each target (``imports_exports:template``)
  and the export (``imports_exports:export``).

Who may open what (checked before anything is looked up; anyone else gets the 403 page): the
roles that read import jobs (``imports.apps``: system and unit administrators, HR clerks) see
the history and the jobs of their subtrees; uploading needs units where they may change
dossiers; exporting, units where they may read them. One job is looked up through
``access_import_job`` (404 when missing or out of scope; CHANGE for the actions). Views parse,
call one service or selector, and render; the services decide.
"""
