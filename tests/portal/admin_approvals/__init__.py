"""Admin screens of the approval authorities (portal/views/approvals/): rules and the "who approves?"
tester, delegations, the approval window and its overrides, their audit trail and menu."""
