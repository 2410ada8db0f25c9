"""``field__any_of=[…]``: ``field = ANY(%s)`` with the whole list as one array parameter.

``__in`` writes one placeholder per value, which Django prepares and psycopg scans one by one:
for the thousands of ids of a bulk-import chunk that cost more than the query itself.
"""

from django.db.models import Field, ForeignObject, Lookup


@Field.register_lookup
class AnyOf(Lookup):
    """Values, not model instances: ``dossier_id__any_of=[1, 2]`` (a relation's lookups are its own,
    so it is registered on relations too, below)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [list(value)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


ForeignObject.register_lookup(AnyOf)
