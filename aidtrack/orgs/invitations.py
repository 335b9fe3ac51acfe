"""The mail that tells someone they were added to an organization (with a link to choose a password when their
account is new)."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from aidtrack.orgs.models import Membership


def set_password_link(user, base_url: str) -> str:
    """A one-time link to choose a password: Django's password-reset token, which a set password invalidates."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base_url.rstrip("/") + reverse("staff:invitation_accept", kwargs={"uidb64": uid, "token": token})


def send_invitation(*, membership: Membership, invited_by, base_url: str) -> None:
    user = membership.user
    needs_password = not user.has_usable_password()
    context = {
        "user": user,
        "membership": membership,
        "organization": membership.organization,
        "invited_by": invited_by,
        "link": set_password_link(user, base_url) if needs_password else base_url.rstrip("/") + reverse("staff:login"),
        "needs_password": needs_password,
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    subject = render_to_string("staff/people/invitation_subject.txt", context).strip()
    body = render_to_string("staff/people/invitation_email.txt", context)
    send_mail(subject, body, None, [user.email])
