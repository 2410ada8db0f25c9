"""Admin screens of the approval authorities ("Thẩm quyền phê duyệt"): rules, delegations, the window.

- Rules and the approval window (with its overrides) are the Sở Nội vụ's configuration:
  system administrators only (``is_system_admin``); anyone else gets the 403 page before
  anything is looked up. The rules page carries the "who approves?" tester.
- Delegations: the list comes from ``delegation_list`` (administrators and approvers see
  their subtrees, a delegate those made to them); a delegation outside it answers 404. Anyone
  holding an approver grant or managing delegations may open the create page; the service
  decides the rest, its ``ApprovalPermissionDenied`` becoming the 403 page with its message.

Writes call one service of ``portal.services.approvals``; its ``ValidationError`` goes on the
form's fields. The window policy itself (last N days, enforced) is a Wagtail setting edited on
Wagtail's settings page (``portal.wagtail_hooks.approvals`` registers it, for system
administrators).

- ``common``: who may do what (the menus ask too), the state labels, the shared mixins;
- ``rules``: the rules, the "who approves?" tester, loading the default rule set;
- ``delegations``: the delegations, creating and revoking one;
- ``window``: this month's window and the overrides;
- ``urls``: the URLs (``portal_approvals:``).
"""
