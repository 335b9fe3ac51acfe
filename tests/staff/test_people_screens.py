"""The People pages: an organization admin invites, changes roles, unlocks and removes their members."""

import re
from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse

from aidtrack.orgs.models import Membership, Role
from tests.signin import PASSWORD, saved, sign_in, signed_in

PAGES = ["staff:people", "staff:member_invite", "staff:sign_in_log", "staff:download_log", "staff:people_changes"]


@pytest.fixture
def admin_client(client, org_admin):
    client.force_login(saved(org_admin))
    return client


@pytest.mark.parametrize("page", PAGES)
def test_the_people_pages_are_for_admins_only(client, reporter, reviewer, page):
    client.force_login(saved(reviewer))
    assert client.get(reverse(page)).status_code == HTTPStatus.FORBIDDEN
    assert reverse("staff:people") not in client.get(reverse("staff:dashboard")).content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_an_org_admin_and_a_site_admin_open_every_people_page(client, org_admin, site_admin, page):
    for user in (org_admin, site_admin):
        client.force_login(saved(user))
        assert client.get(reverse(page)).status_code == HTTPStatus.OK


def test_an_org_admin_sees_only_their_organizations_members(admin_client, reporter, outsider, site_admin):
    page = admin_client.get(reverse("staff:people")).content.decode()
    assert "reporter.a" in page and "admin.a" in page
    assert "reporter.b" not in page
    other = outsider.memberships.get()
    assert admin_client.get(reverse("staff:member_detail", args=[other.pk])).status_code == HTTPStatus.NOT_FOUND
    admin_client.force_login(saved(site_admin))
    assert "reporter.b" in admin_client.get(reverse("staff:people")).content.decode()


def test_invite_then_choose_a_password_then_sign_in(admin_client, client, org_a):
    response = admin_client.post(
        reverse("staff:member_invite"),
        {"organization": org_a.pk, "email": "lina@example.org", "role": Role.REVIEWER, "first_name": "Lina"},
    )
    membership = Membership.objects.get(user__email="lina@example.org")
    assert response["Location"] == reverse("staff:member_detail", args=[membership.pk])
    assert membership.role == Role.REVIEWER and not membership.user.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lina@example.org"]
    assert "Alpha Relief" in mail.outbox[0].body and "Reviewer" in mail.outbox[0].body
    link = re.search(r"http://testserver(/staff/welcome/\S+/)", mail.outbox[0].body).group(1)

    admin_client.logout()
    form_url = client.get(link)["Location"]
    form = client.get(form_url).content.decode()
    assert "Welcome to aidtrack" in form and "lina" in form
    done = client.post(form_url, {"new_password1": "Madaya-2016-road", "new_password2": "Madaya-2016-road"})
    assert done["Location"] == reverse("staff:login")
    assert "sign in with your username, lina," in client.get(done["Location"]).content.decode()
    assert signed_in(sign_in(client, "lina", "Madaya-2016-road"))
    assert "This invitation link no longer works" in client.get(link, follow=True).content.decode()


def test_a_member_invited_elsewhere_is_told_without_a_password_link(admin_client, org_a, outsider):
    outsider.email = "b@example.org"
    outsider.save()
    admin_client.post(
        reverse("staff:member_invite"), {"organization": org_a.pk, "email": "b@example.org", "role": Role.REPORTER}
    )
    assert Membership.objects.filter(user=outsider, organization=org_a).exists()
    assert "/staff/welcome/" not in mail.outbox[0].body and "/staff/login/" in mail.outbox[0].body


def test_an_org_admin_cannot_invite_into_another_organization(admin_client, org_b):
    page = admin_client.post(
        reverse("staff:member_invite"), {"organization": org_b.pk, "email": "x@example.org", "role": Role.REPORTER}
    )
    assert page.status_code == HTTPStatus.OK and "Select a valid choice" in page.content.decode()
    assert not Membership.objects.filter(organization=org_b, user__email="x@example.org").exists()


def test_the_role_form_refuses_site_admin_and_the_last_admin(admin_client, org_admin, reporter):
    membership = reporter.memberships.get()
    url = reverse("staff:member_role", args=[membership.pk])
    page = admin_client.post(url, {"role": "site_admin"}).content.decode()
    assert "Select a valid choice" in page
    own = org_admin.memberships.get()
    page = admin_client.post(reverse("staff:member_role", args=[own.pk]), {"role": Role.REPORTER}).content.decode()
    assert "last organization admin of ALPHA" in page
    admin_client.post(url, {"role": Role.REVIEWER})
    assert Membership.objects.get(pk=membership.pk).role == Role.REVIEWER
    changes = admin_client.get(reverse("staff:people_changes")).content.decode()
    assert "role Reporter → Reviewer" in changes and "admin.a" in changes


def test_an_org_admin_unlocks_a_locked_member(admin_client, client, reporter):
    saved(reporter)
    other = client.__class__()
    for _ in range(5):
        sign_in(other, "reporter.a", "wrong")
    membership = reporter.memberships.get()
    assert "locked out" in admin_client.get(reverse("staff:people")).content.decode()
    admin_client.post(reverse("staff:member_account", args=[membership.pk, "unlock"]))
    assert signed_in(sign_in(other, "reporter.a", PASSWORD))


def test_deactivating_and_reactivating_from_the_page(admin_client, reporter):
    membership = reporter.memberships.get()
    page = admin_client.post(reverse("staff:member_account", args=[membership.pk, "deactivate"]), follow=True)
    assert "The account is deactivated" in page.content.decode()
    reporter.refresh_from_db()
    assert not reporter.is_active
    admin_client.post(reverse("staff:member_account", args=[membership.pk, "reactivate"]))
    reporter.refresh_from_db()
    assert reporter.is_active
    assert admin_client.post(reverse("staff:member_account", args=[membership.pk, "promote"])).status_code == 404


def test_removing_a_member_from_the_page(admin_client, reporter):
    membership = reporter.memberships.get()
    response = admin_client.post(reverse("staff:member_remove", args=[membership.pk]), follow=True)
    assert "is removed; the account belonged to no other organization and is deactivated" in response.content.decode()
    reporter.refresh_from_db()
    assert not reporter.is_active


def test_the_invitation_is_sent_again_to_someone_who_has_not_chosen_a_password(admin_client, org_admin, org_a):
    from aidtrack.orgs.services import member_invite

    invitation = member_invite(by=org_admin, organization=org_a, email="late@example.org", role=Role.REPORTER)
    admin_client.post(reverse("staff:member_invitation_resend", args=[invitation.membership.pk]))
    assert len(mail.outbox) == 1 and "/staff/welcome/" in mail.outbox[0].body


def test_the_member_page_lists_what_an_admin_can_do(admin_client, reporter):
    page = admin_client.get(reverse("staff:member_detail", args=[reporter.memberships.get().pk])).content.decode()
    for text in ("Change the role", "Deactivate the account", "Remove from ALPHA", "Recent sign-ins"):
        assert text in page
