"""Each dossier version records the unit the dossier was in when the version was made.

Written by hand. Existing versions get the best unit available:

1. the dossier's unit as the row-level audit (``DossierAudit``, pghistory) recorded it when
   the version was created: the first audit event of the dossier whose ``latest_version``
   is the version's number (creating version N sets ``latest_version`` to N in the same
   transaction, and the trigger copies the whole row, unit included);
2. otherwise (no such event, or a unit id no longer in the unit table) the dossier's
   current unit.

One UPDATE statement, whatever the number of versions.
"""

import django.db.models.deletion
from django.db import migrations, models


def fill_version_units(apps, schema_editor):
    """Set ``unit`` of every version that has none (see the module docstring)."""
    version = apps.get_model("records", "DossierVersion")._meta
    dossier = apps.get_model("records", "Dossier")._meta
    audit = apps.get_model("records", "DossierAudit")._meta
    unit = apps.get_model("portal", "Unit")._meta
    q = schema_editor.connection.ops.quote_name
    sql = f"""
        UPDATE {q(version.db_table)} AS v
        SET {q(version.get_field("unit").column)} = COALESCE(
            (
                SELECT e.{q(audit.get_field("unit").column)}
                FROM {q(audit.db_table)} AS e
                JOIN {q(unit.db_table)} AS u ON u.{q(unit.pk.column)} = e.{q(audit.get_field("unit").column)}
                WHERE e.{q(audit.get_field("pgh_obj").column)} = v.{q(version.get_field("dossier").column)}
                  AND e.{q(audit.get_field("latest_version").column)} = v.{q(version.get_field("number").column)}
                ORDER BY e.{q(audit.pk.column)}
                LIMIT 1
            ),
            d.{q(dossier.get_field("unit").column)}
        )
        FROM {q(dossier.db_table)} AS d
        WHERE d.{q(dossier.pk.column)} = v.{q(version.get_field("dossier").column)}
          AND v.{q(version.get_field("unit").column)} IS NULL
    """
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_accounts_fields_audit"),
        ("records", "0003_dossier_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossierversion",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="portal.unit",
                verbose_name="unit",
            ),
        ),
        migrations.RunPython(fill_version_units, migrations.RunPython.noop),
    ]
