"""Write services for the unit tree: create, update/rename, move, merge, split, dissolve.

Used identically by the admin, the API and the command line. Each service is one
transaction; it validates everything before writing, raises ``ValidationError``
keyed by field with a Vietnamese sentence, and records a ``UnitEvent`` for every
unit it changes. Units are never deleted.

- ``common``: ``Decision``, ``SplitPart``, the member handler registry, the shared checks;
- ``editing``: ``unit_create``, ``unit_update``;
- ``reorganising``: ``unit_move``, ``unit_merge``, ``unit_dissolve``;
- ``splitting``: ``unit_split``.
"""
