"""Audit of the column mappings (content edited in the admin), with the platform's append-only
triggers. Import jobs are their own history (who, when, file hash, counts) and the writes of a
run carry the job in the audit context of the dossier rows."""

import pghistory

from imports.models.jobs import ColumnMapping

pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    model_name="ColumnMappingAudit",
    exclude=["updated_at"],
    append_only=True,
    obj_field=pghistory.ObjForeignKey(related_name="audit_events", related_query_name="audit_events"),
)(ColumnMapping)
