"""How API clients prove who they are.

- ``Authorization: Token <key>`` for scripts (``ApiTokenAuthentication``);
- the staff screens' session, for the browser (``SessionAuthentication``): a write from a session needs the second
  factor when the account has one or its role requires one;
- HTTP Basic on the token endpoint only (``PasswordAuthentication``), checked like the sign-in page, so wrong
  passwords count towards the lockout.
"""

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.permissions import SAFE_METHODS

from aidtrack.accounts.two_factor import has_two_factor, two_factor_required
from aidtrack.api.models import ApiToken, hash_key
from aidtrack.api.services import token_is_current

# Recording every use would turn each read into a write; once a minute is enough to tell stale tokens.
LAST_USED_GRANULARITY = datetime.timedelta(minutes=1)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the header as 'Authorization: Token <key>'."))
        try:
            key = header[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed(_("The token contains invalid characters.")) from error
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Unknown or revoked token: create a new one at /api/v1/tokens/."))
        if token.expired:
            raise exceptions.AuthenticationFailed(
                _("This token expired on %(day)s: create a new one at /api/v1/tokens/.")
                % {"day": date_format(timezone.localtime(token.expires_at), "DATE_FORMAT")}
            )
        if not token_is_current(token):
            raise exceptions.AuthenticationFailed(
                _("This token stopped working when the account's password changed: create a new one.")
            )
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication; a write also needs the second factor where the staff screens need it."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and request.method not in SAFE_METHODS:
            user = result[0]
            verified = getattr(user, "is_verified", lambda: False)()
            if not verified and (has_two_factor(user) or two_factor_required(user)):
                raise exceptions.PermissionDenied(
                    _(
                        "This change needs two-factor sign-in: sign in on the staff screens with your code "
                        "(or set up an authenticator there), or use an API token."
                    )
                )
        return result


class PasswordAuthentication(authentication.BasicAuthentication):
    """HTTP Basic, checked by Django's ``authenticate`` with the Django request, so that django-axes counts wrong
    passwords (and answers a locked-out client with 429) exactly as on the sign-in page."""

    def authenticate_credentials(self, userid, password, request=None):
        django_request = getattr(request, "_request", request)
        if django_request is not None:
            django_request.signin_method = _("HTTP Basic on %(path)s") % {"path": django_request.path}
        return super().authenticate_credentials(userid, password, django_request)
