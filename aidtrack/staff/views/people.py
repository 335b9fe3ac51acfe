"""Organization admins' screens: members and roles, invitations, the sign-in and download log.

An organization admin manages the organizations they administer; a site admin
all of them. Everyone else gets a 403. The rules are in ``orgs.services`` and
``accounts.services``; these views parse, call and render.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aidtrack.accounts.lockout import locked_out_usernames
from aidtrack.accounts.selectors import LogFilters, account_events_visible_to, export_events_visible_to
from aidtrack.accounts.services import account_two_factor_reset, account_unlock
from aidtrack.orgs.invitations import send_invitation
from aidtrack.orgs.permissions import is_site_admin, manages_account
from aidtrack.orgs.selectors import (
    managed_organizations,
    manages_anyone,
    membership_managed_by,
    memberships_managed_by,
    other_memberships,
    people_changes,
)
from aidtrack.orgs.services import (
    account_deactivate,
    account_reactivate,
    member_invite,
    member_remove,
    member_set_role,
)
from aidtrack.staff.forms.people import InviteForm, LogFilterForm, RoleForm
from aidtrack.staff.views.common import add_service_error, id_param, paginate, query_without_page


def _require_manager(request) -> None:
    if not manages_anyone(request.user):
        raise PermissionDenied(_("These pages are for organization admins and site admins."))


def _organization_filter(request) -> int | None:
    return id_param(request.GET.get("organization"))


@login_required
def people_list(request):
    _require_manager(request)
    organization = _organization_filter(request)
    text = request.GET.get("q", "")[:100]
    page = paginate(request, memberships_managed_by(request.user, organization=organization, text=text))
    locked = locked_out_usernames(m.user.get_username() for m in page)
    return render(
        request,
        "staff/people/list.html",
        {
            "page": page,
            "locked": locked,
            "organizations": managed_organizations(request.user),
            "organization": organization,
            "text": text,
            "query": query_without_page(request),
            "tab": "members",
        },
    )


@login_required
def invite(request):
    _require_manager(request)
    form = InviteForm(request.POST or None, manager=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = member_invite(by=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            add_service_error(form, error)
        else:
            send_invitation(
                membership=invitation.membership, invited_by=request.user, base_url=request.build_absolute_uri("/")
            )
            what = (
                _("%(user)s is invited: a link to choose a password was sent to %(email)s.")
                if invitation.new_account
                else _("%(user)s (an existing account) is added; a note was sent to %(email)s.")
            )
            messages.success(request, what % {"user": invitation.user.get_username(), "email": invitation.user.email})
            return redirect("staff:member_detail", pk=invitation.membership.pk)
    return render(request, "staff/people/invite.html", {"form": form, "tab": "members"})


def _membership(request, pk):
    _require_manager(request)
    membership = membership_managed_by(request.user, pk)
    if membership is None:
        raise Http404(_("No such member in the organizations you manage."))
    return membership


@login_required
def member_detail(request, pk, role_form=None):
    membership = _membership(request, pk)
    user = membership.user
    return render(
        request,
        "staff/people/detail.html",
        {
            "membership": membership,
            "member": user,
            "others": other_memberships(membership),
            "role_form": role_form or RoleForm(initial={"role": membership.role}),
            "locked": bool(locked_out_usernames([user.get_username()])),
            "manages_account": manages_account(request.user, user, every_organization=True),
            "events": account_events_visible_to(request.user).filter(user=user)[:10],
            "tab": "members",
        },
    )


@require_POST
@login_required
def member_role(request, pk):
    membership = _membership(request, pk)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            member_set_role(by=request.user, membership=membership, role=form.cleaned_data["role"])
        except (ValidationError, PermissionDenied) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The role is changed."))
            return redirect("staff:member_detail", pk=pk)
    return member_detail(request, pk, role_form=form)


def _act(request, pk, call, success: str, *, back_to_list: bool = False):
    """Run one service on a member and say how it went, on the member's page (or the list, once they are gone)."""
    membership = _membership(request, pk)
    try:
        result = call(membership)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("staff:member_detail", pk=pk)
    messages.success(request, success if not callable(success) else success(result))
    return redirect("staff:people") if back_to_list else redirect("staff:member_detail", pk=pk)


@require_POST
@login_required
def member_remove_view(request, pk):
    def call(membership):
        return membership.user.get_username(), member_remove(by=request.user, membership=membership)

    def said(result):
        username, deactivated = result
        if deactivated:
            return _("%(user)s is removed; the account belonged to no other organization and is deactivated.") % {
                "user": username
            }
        return _("%(user)s is removed from the organization.") % {"user": username}

    return _act(request, pk, call, said, back_to_list=True)


# What the buttons of a member's "Access" box do: the service to call and what to say once done.
ACCOUNT_ACTIONS = {
    "deactivate": (
        lambda request, user: account_deactivate(by=request.user, user=user),
        gettext_lazy("The account is deactivated: it cannot sign in, and its API tokens are revoked."),
    ),
    "reactivate": (
        lambda request, user: account_reactivate(by=request.user, user=user),
        gettext_lazy("The account is active again."),
    ),
    "unlock": (
        lambda request, user: account_unlock(by=request.user, user=user, request=request),
        gettext_lazy("Signing in is unlocked."),
    ),
    "two-factor-reset": (
        lambda request, user: account_two_factor_reset(by=request.user, user=user, request=request),
        gettext_lazy(
            "Two-factor sign-in is removed; the member sets it up again at the next sign-in if their role requires it."
        ),
    ),
}


@require_POST
@login_required
def member_account_action(request, pk, action):
    if action not in ACCOUNT_ACTIONS:
        raise Http404(_("No such action."))
    call, success = ACCOUNT_ACTIONS[action]
    return _act(request, pk, lambda membership: call(request, membership.user), str(success))


@require_POST
@login_required
def member_invitation_resend(request, pk):
    def call(membership):
        if membership.user.has_usable_password():
            raise ValidationError(_("This member has chosen a password already."))
        if not membership.user.email:
            raise ValidationError(_("This account has no e-mail address."))
        send_invitation(membership=membership, invited_by=request.user, base_url=request.build_absolute_uri("/"))

    return _act(request, pk, call, _("A new invitation is sent."))


def _log_filters(form) -> LogFilters:
    if not form.is_valid():
        return LogFilters()
    data = form.cleaned_data
    return LogFilters(
        username=data["username"], kind=data["kind"], date_from=data["date_from"], date_to=data["date_to"]
    )


@login_required
def sign_in_log(request):
    _require_manager(request)
    form = LogFilterForm(request.GET or None)
    events = account_events_visible_to(request.user, _log_filters(form))
    return render(
        request,
        "staff/people/sign_in_log.html",
        {"form": form, "page": paginate(request, events), "query": query_without_page(request), "tab": "sign_ins"},
    )


@login_required
def download_log(request):
    _require_manager(request)
    form = LogFilterForm(request.GET or None, downloads=True)
    events = export_events_visible_to(request.user, _log_filters(form))
    return render(
        request,
        "staff/people/download_log.html",
        {"form": form, "page": paginate(request, events), "query": query_without_page(request), "tab": "downloads"},
    )


@login_required
def changes(request):
    _require_manager(request)
    organization = _organization_filter(request)
    rows = people_changes(request.user, organization=organization)
    return render(
        request,
        "staff/people/changes.html",
        {
            "page": Paginator(rows, 50).get_page(request.GET.get("page")),
            "query": query_without_page(request),
            "organizations": managed_organizations(request.user),
            "organization": organization,
            "site_admin": is_site_admin(request.user),
            "tab": "changes",
        },
    )
