"""The rules for an organization's people: who may invite, change roles, remove and deactivate, with history."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from aidtrack.orgs.models import Membership, Role
from aidtrack.orgs.services import (
    account_deactivate,
    account_reactivate,
    member_invite,
    member_remove,
    member_set_role,
)
from tests.factories import member

User = get_user_model()


def invite(by, organization, email="new.officer@example.org", role=Role.REPORTER, **extra):
    return member_invite(by=by, organization=organization, email=email, role=role, **extra)


def test_an_invitation_makes_an_account_without_a_usable_password(org_admin, org_a):
    invitation = invite(org_admin, org_a, first_name="Lina")
    user = invitation.user
    assert invitation.new_account and user.username == "new.officer" and user.email == "new.officer@example.org"
    assert user.is_active and not user.has_usable_password()
    assert invitation.membership.role == Role.REPORTER and invitation.membership.organization == org_a
    assert user.history.get().history_user == org_admin
    assert invitation.membership.history.get().history_user == org_admin


def test_an_existing_account_is_added_not_duplicated(org_admin, org_a, outsider):
    outsider.email = "b@example.org"
    outsider.save()
    invitation = invite(org_admin, org_a, email="B@example.org", role=Role.REVIEWER)
    assert not invitation.new_account and invitation.user == outsider
    assert User.objects.filter(email__iexact="b@example.org").count() == 1
    with pytest.raises(ValidationError, match="already a member"):
        invite(org_admin, org_a, email="b@example.org")


def test_usernames_made_from_addresses_do_not_collide(org_admin, org_a):
    first = invite(org_admin, org_a, email="ali@one.example").user
    second = invite(org_admin, org_a, email="ali@two.example").user
    assert (first.username, second.username) == ("ali", "ali2")
    with pytest.raises(ValidationError, match="taken"):
        invite(org_admin, org_a, email="x@example.org", username="ali")


def test_a_bad_address_is_refused_with_an_example(org_admin, org_a):
    with pytest.raises(ValidationError, match="name@example.org"):
        invite(org_admin, org_a, email="not an address")
    assert not Membership.objects.filter(user__email="not an address").exists()


@pytest.mark.parametrize("role", ["site_admin", "superuser", "admin", ""])
def test_no_one_is_made_site_admin_here(org_admin, org_a, reporter, role):
    with pytest.raises(ValidationError, match="Site admins are named by a site admin"):
        invite(org_admin, org_a, role=role)
    with pytest.raises(ValidationError):
        member_set_role(by=org_admin, membership=reporter.memberships.get(), role=role)
    reporter.refresh_from_db()
    assert not reporter.is_superuser and not reporter.is_staff


def test_an_org_admin_cannot_touch_another_organization(org_admin, org_b, outsider):
    with pytest.raises(PermissionDenied):
        invite(org_admin, org_b)
    membership = outsider.memberships.get()
    with pytest.raises(PermissionDenied):
        member_set_role(by=org_admin, membership=membership, role=Role.REVIEWER)
    with pytest.raises(PermissionDenied):
        member_remove(by=org_admin, membership=membership)
    with pytest.raises(PermissionDenied):
        account_deactivate(by=org_admin, user=outsider)
    membership.refresh_from_db()
    assert membership.role == Role.REPORTER and outsider.is_active


def test_reporters_and_reviewers_manage_no_one(reviewer, org_a):
    with pytest.raises(PermissionDenied):
        invite(reviewer, org_a)


def test_a_role_change_is_in_the_history_with_its_author(org_admin, reporter):
    membership = member_set_role(by=org_admin, membership=reporter.memberships.get(), role=Role.REVIEWER)
    latest = membership.history.latest()
    assert (latest.role, latest.history_user, latest.history_type) == (Role.REVIEWER, org_admin, "~")


def test_the_last_organization_admin_stays(org_admin, org_a, site_admin):
    membership = org_admin.memberships.get()
    for call in (
        lambda by: member_set_role(by=by, membership=membership, role=Role.REPORTER),
        lambda by: member_remove(by=by, membership=membership),
    ):
        for by in (org_admin, site_admin):
            with pytest.raises(ValidationError, match="last organization admin of ALPHA"):
                call(by)
    with pytest.raises(ValidationError, match="last organization admin"):
        account_deactivate(by=site_admin, user=org_admin)
    second = member(org_a, Role.ORGANIZATION_ADMIN, username="admin.a2")
    member_set_role(by=second, membership=membership, role=Role.REPORTER)
    assert Membership.objects.get(pk=membership.pk).role == Role.REPORTER


def test_an_inactive_admin_does_not_count_as_the_one_left(org_admin, org_a, site_admin):
    other = member(org_a, Role.ORGANIZATION_ADMIN, username="admin.a2")
    other.is_active = False
    other.save()
    with pytest.raises(ValidationError, match="last organization admin"):
        member_set_role(by=site_admin, membership=org_admin.memberships.get(), role=Role.REPORTER)


def test_removing_the_last_membership_deactivates_the_account(org_admin, reporter):
    assert member_remove(by=org_admin, membership=reporter.memberships.get()) is True
    reporter.refresh_from_db()
    assert not reporter.is_active and not reporter.memberships.exists()
    removed = Membership.history.filter(user_id=reporter.pk).latest()
    assert removed.history_type == "-" and removed.history_user == org_admin
    assert reporter.history.latest().history_user == org_admin


def test_a_member_of_two_organizations_is_only_taken_out_of_one(org_admin, org_a, org_b):
    both = member(org_a, Role.REPORTER, username="both")
    Membership.objects.create(user=both, organization=org_b, role=Role.REPORTER)
    assert member_remove(by=org_admin, membership=both.memberships.get(organization=org_a)) is False
    both.refresh_from_db()
    assert both.is_active and both.memberships.get().organization == org_b
    with pytest.raises(PermissionDenied, match="every organization"):
        account_deactivate(by=org_admin, user=both)


def test_deactivating_and_reactivating_keeps_the_roles(org_admin, reporter):
    account_deactivate(by=org_admin, user=reporter)
    reporter.refresh_from_db()
    assert not reporter.is_active and reporter.memberships.get().role == Role.REPORTER
    account_reactivate(by=org_admin, user=reporter)
    reporter.refresh_from_db()
    assert reporter.is_active


def test_an_org_admin_cannot_deactivate_a_site_admin_or_themselves(org_admin, org_a, site_admin):
    Membership.objects.create(user=site_admin, organization=org_a, role=Role.REVIEWER)
    with pytest.raises(PermissionDenied):
        account_deactivate(by=org_admin, user=site_admin)
    with pytest.raises(PermissionDenied):
        account_deactivate(by=org_admin, user=org_admin)


def test_a_site_admin_manages_every_organization(site_admin, org_b, outsider):
    invitation = invite(site_admin, org_b, role=Role.ORGANIZATION_ADMIN)
    assert invitation.membership.role == Role.ORGANIZATION_ADMIN
    member_set_role(by=site_admin, membership=outsider.memberships.get(), role=Role.REVIEWER)
    assert outsider.memberships.get().role == Role.REVIEWER


def test_an_invitation_failing_midway_leaves_no_account(org_admin, org_a, monkeypatch):
    def broken(self, *args, **kwargs):
        raise ValidationError("broken")

    monkeypatch.setattr(Membership, "full_clean", broken)
    with pytest.raises(ValidationError):
        invite(org_admin, org_a, email="half@example.org")
    assert not User.objects.filter(email="half@example.org").exists()
