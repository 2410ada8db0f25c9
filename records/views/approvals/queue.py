"""The approver's queue of one approving unit (listing the chosen dossiers in an act, or returning
them with a reason) and the list of the approval acts."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin import messages

from portal.models import ApprovalWindowPolicy
from portal.selectors_approvals.window import approval_override_for, approval_window
from portal.views import forbidden, paginate
from records.selectors_approvals import approval_act_list, approval_queue
from records.services.approvals import approval_act_create, approval_return
from records.tables import ApprovalActTable, ApprovalQueueTable
from records.views.approvals.common import ApprovalMixin, approvers_today, can_approve, error_message

QUEUE_PER_PAGE = 100


class ApprovalQueueView(ApprovalMixin, TemplateView):
    """GET: the queue of one approving unit. POST ``action=create`` lists the chosen dossiers in a new
    act (→ its page); ``action=return`` returns them with ``reason``. Refusals name each dossier."""

    template_name = "records/approvals/queue.html"
    page_title = _("Dossiers awaiting approval")

    def has_permission(self) -> bool:
        return can_approve(self.request.user)

    def queue(self):
        """(approvers, the chosen one, its entries, entries per unit id) for today."""
        approvers = approvers_today(self.request.user)
        entries = approval_queue(user=self.request.user, on=timezone.localdate())
        counts = Counter(entry.approver.unit.pk for entry in entries)
        wanted = self.request.POST.get("unit") or self.request.GET.get("unit", "")
        chosen = next((a for a in approvers if str(a.unit.pk) == wanted), None)
        chosen = chosen or next((a for a in approvers if counts[a.unit.pk]), approvers[0])
        rows = [entry for entry in entries if entry.approver.unit.pk == chosen.unit.pk]
        return approvers, chosen, rows, counts

    def get_context_data(self, *, selected=(), reason="", **kwargs):
        context = super().get_context_data(**kwargs)
        approvers, chosen, rows, counts = self.queue()
        today = timezone.localdate()
        first, last = approval_window(today)
        in_window = first <= today <= last
        page = paginate(self.request, rows, per_page=QUEUE_PER_PAGE)
        context.update(
            table=ApprovalQueueTable(page.object_list, selected=selected),
            page=page,
            total=len(rows),
            units=[(a.unit.pk, a.unit.name, counts[a.unit.pk], a.unit.pk == chosen.unit.pk) for a in approvers],
            approver=chosen,
            window_first=first,
            window_last=last,
            in_window=in_window,
            override=None if in_window else approval_override_for(chosen.unit, on=today),
            enforced=ApprovalWindowPolicy.load().enforced,
            reason=reason,
            acts_url=reverse("records_approvals:acts"),
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        reason = request.POST.get("reason", "")
        ids = [int(value) for value in request.POST.getlist("dossier") if value.isdigit()]
        if request.POST.get("all") == "1":
            # The whole queue of the unit; an act leaves out what another act already lists.
            rows = self.queue()[2]
            ids = [entry.dossier.pk for entry in rows if action == "return" or entry.open_act is None]
        try:
            if action == "create":
                act = approval_act_create(approver=request.user, dossier_ids=ids)
            elif action == "return":
                count = approval_return(approver=request.user, dossier_ids=ids, reason=reason)
            else:
                raise ValidationError(gettext("Choose what to do with the selected dossiers."))
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        except ValidationError as exc:
            summary = _("No approval act was created:") if action == "create" else _("Nothing was returned:")
            error_message(request, summary, exc.messages)
            return self.render_to_response(self.get_context_data(selected=ids, reason=reason))
        if action == "create":
            text = gettext("Approval act no. %(number)s lists %(count)s dossiers; sign it to publish them.")
            messages.success(request, text % {"number": act.pk, "count": act.total})
            return redirect("records_approvals:act", pk=act.pk)
        messages.success(request, gettext("%(count)s dossiers were returned with your reason.") % {"count": count})
        return redirect(f"{reverse('records_approvals:queue')}?{urlencode({'unit': request.POST.get('unit', '')})}")


# -- the acts --------------------------------------------------------------------------------------


class ApprovalActListView(ApprovalMixin, TemplateView):
    template_name = "records/approvals/acts.html"
    page_title = _("Approval acts")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = paginate(self.request, approval_act_list(user=self.request.user))
        context.update(
            table=ApprovalActTable(page.object_list),
            page=page,
            can_approve=can_approve(self.request.user),
        )
        return context


__all__ = [
    "ApprovalActListView",
    "ApprovalQueueView",
]
