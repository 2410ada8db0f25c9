"""Reads of the approval authorities: "who may approve this dossier now", and the window.

``portal`` never imports ``records``: a *subject* is anything with ``unit`` (a ``Unit``),
``personnel_category`` (a ``loai_nhan_su`` code) and ``custom_fields`` (a dict); a dossier
is one.

- ``authority``: ``ApprovalResolver`` (the rules, the unit chain and the approvers read once for
  many subjects), ``approval_authority``, ``approvers_for``, ``approving_units``;
- ``rules``: the rules screen's reads and the "who approves?" tester (``approval_check``);
- ``delegations``: the delegations an account may see, those that lapsed, and the choices of
  the delegation form;
- ``window``: the approval window of a month, its overrides, and the state of a period
  (delegation or override) on a day.
"""
