"""Row-level audit of the dossier row (who changed status, who published which version),
with the same append-only triggers as the platform's configuration (``portal.models.audit``).
Content history is the versions themselves; section rows are rewritten from them."""

import pghistory

from records.models.dossiers import Dossier

pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    model_name="DossierAudit",
    exclude=["name_folded", "name_sort_key", "updated_at", "missing_items", "unit_path"],
    append_only=True,
    obj_field=pghistory.ObjForeignKey(related_name="audit_events", related_query_name="audit_events"),
    level=pghistory.Statement,
)(Dossier)
