"""Site admins see tokens in the admin and may revoke them, but never see or make keys there."""

from django.urls import reverse

from aidtrack.api.models import ApiToken
from aidtrack.api.services import token_create


def test_a_site_admin_lists_and_revokes_a_token_without_seeing_its_key(client, site_admin, reporter):
    token, key = token_create(user=reporter, name="export")
    site_admin.refresh_from_db()
    client.force_login(site_admin)
    listing = client.get(reverse("admin:api_apitoken_changelist"))
    assert listing.status_code == 200 and b"export" in listing.content and key.encode() not in listing.content
    assert client.get(reverse("admin:api_apitoken_add")).status_code == 403
    client.post(reverse("admin:api_apitoken_delete", args=[token.pk]), {"post": "yes"})
    assert not ApiToken.objects.filter(pk=token.pk).exists()
