"""The unit's tree path copied onto each dossier (``Dossier.unit_path``), kept by triggers.

A subtree of dossiers is then one indexed prefix match on the dossier table instead of a join to
the units; at 100,000 dossiers the join was most of the lists' query time (bench/RESULTS.md).

The copy is kept by the database, not by the services, so no write path can leave it stale:
1. ``records_dossier_unit_path`` (BEFORE INSERT, or UPDATE of ``unit_id`` or ``unit_path``) sets
   the row's copy from its unit: creation, bulk inserts, transfers, merges, any direct write;
2. ``records_unit_path_moved`` (AFTER UPDATE of ``path`` on ``portal_unit``, when it changed)
   rewrites the copies of the unit's dossiers: a move of a subtree changes every unit's path in
   it, each one firing the trigger.
The copy is left out of the row audit (``records.models.audit``): it is not the person's data.
"""

from django.db import migrations, models

TRIGGERS = """
CREATE FUNCTION records_dossier_unit_path() RETURNS trigger AS $$
BEGIN
    NEW.unit_path := (SELECT path FROM portal_unit WHERE id = NEW.unit_id);
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER records_dossier_unit_path
    BEFORE INSERT OR UPDATE OF unit_id, unit_path ON records_dossier
    FOR EACH ROW EXECUTE FUNCTION records_dossier_unit_path();

CREATE FUNCTION records_unit_path_moved() RETURNS trigger AS $$
BEGIN
    UPDATE records_dossier SET unit_path = NEW.path WHERE unit_id = NEW.id;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER records_unit_path_moved
    AFTER UPDATE OF path ON portal_unit
    FOR EACH ROW WHEN (OLD.path IS DISTINCT FROM NEW.path)
    EXECUTE FUNCTION records_unit_path_moved();

UPDATE records_dossier AS d SET unit_path = u.path FROM portal_unit AS u WHERE u.id = d.unit_id;
"""

DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS records_unit_path_moved ON portal_unit;
DROP FUNCTION IF EXISTS records_unit_path_moved();
DROP TRIGGER IF EXISTS records_dossier_unit_path ON records_dossier;
DROP FUNCTION IF EXISTS records_dossier_unit_path();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_accounts_fields_audit"),
        ("records", "0004_version_unit"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="unit_path",
            field=models.CharField(db_collation="C", default="", editable=False, max_length=255),
        ),
        migrations.RunSQL(TRIGGERS, DROP_TRIGGERS),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(fields=["unit_path", "status"], name="dossier_unit_path"),
        ),
    ]
