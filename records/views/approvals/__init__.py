"""The monthly approval in the admin: the approver's queue, the approval acts, signing an act and
following its publication.

Who may open what (checked before anything is looked up; anyone else gets the 403 page):

- the queue: accounts that approve for some unit today, in their own right or by delegation
  (``portal.selectors_approvals.authority.approving_units``);
- the acts: those, and the accounts whose role reads approval acts (clerks, administrators,
  leaders; ``scoping.can``). One act is looked up through ``access_approval_act`` (404 when
  missing or out of scope); its PDFs and its progress go to whoever may read it;
- signing and cancelling: the act's approver only (checked here for a clear 403, and again by
  the services, which decide).

An act is signed either with a credential the server holds (the approver's own or the approving
unit's seal: ``signer_for`` → ``approval_act_sign``), or with the signer's token through the
signing service on their computer: the page's script (``records/static/records/approvals.js``)
asks that service (``HOSO_LOCAL_SIGNER_URL``) for the certificate, gets the digest from
``ActSignPrepareView``, has the service sign it and posts the signature to
``ActSignCompleteView`` (interrupted signing). The two JSON endpoints answer errors as
``{"errors": [Vietnamese sentences]}``. Publication runs in Celery; the page polls
``ActProgressView``.

- ``common``: who may do what (the menu asks too), the error message, the shared mixin;
- ``queue``: the approver's queue (listing dossiers in an act, returning them) and the acts' list;
- ``acts``: one act's page, its PDFs, signing it with a server-held credential, cancelling it;
- ``signing``: the JSON endpoints of signing through the browser, and the publication's progress.
"""
