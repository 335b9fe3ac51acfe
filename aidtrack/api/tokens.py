"""/api/v1/tokens/: your own API tokens for scripts. Create one (the key is shown once), list, revoke.

Making a token needs the password: HTTP Basic, or a signed-in session that sends it again (plus the second factor
for an account that has one). A token cannot make tokens, so a leaked key cannot outlive its own expiry or
revocation.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from aidtrack.accounts.log import record_account_event
from aidtrack.accounts.models import AccountEventKind
from aidtrack.accounts.passwords import password_is_right
from aidtrack.accounts.throttles import TokenEndpointThrottle
from aidtrack.accounts.two_factor import has_two_factor, two_factor_required, verify_second_factor
from aidtrack.api.authentication import ApiTokenAuthentication, PasswordAuthentication, SessionAuthentication
from aidtrack.api.base import ApiViewMixin, doc_serializer
from aidtrack.api.incidents import ERRORS, as_id
from aidtrack.api.models import ApiToken
from aidtrack.api.serializers import TokenCreateSerializer
from aidtrack.api.services import token_create, token_revoke


class TokenSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True, help_text=gettext_lazy("Identifier, to revoke it."))
    expired = serializers.BooleanField(read_only=True, help_text=gettext_lazy("True once expires_at has passed."))

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "expires_at", "expired", "last_used_at"]
        extra_kwargs = {
            "created_at": {"help_text": gettext_lazy("When it was made.")},
            "expires_at": {"help_text": gettext_lazy("When it stops working.")},
            "last_used_at": {"help_text": gettext_lazy("Last use (to the minute), or null.")},
        }


NewTokenSerializer = doc_serializer(
    "NewToken",
    {
        "id": serializers.IntegerField(help_text=gettext_lazy("Identifier, to revoke it.")),
        "name": serializers.CharField(help_text=gettext_lazy("What it is for.")),
        "prefix": serializers.CharField(help_text=gettext_lazy("First characters of the key.")),
        "created_at": serializers.DateTimeField(help_text=gettext_lazy("When it was made.")),
        "expires_at": serializers.DateTimeField(help_text=gettext_lazy("When it stops working.")),
        "expired": serializers.BooleanField(help_text=gettext_lazy("False: it is new.")),
        "last_used_at": serializers.DateTimeField(allow_null=True, help_text=gettext_lazy("Null: never used.")),
        "key": serializers.CharField(help_text=gettext_lazy("Send as 'Authorization: Token <key>'. Shown only now.")),
    },
)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Your API tokens"),
        description=gettext_lazy(
            "Your tokens. Here alone a script may also sign in with username and password (HTTP Basic), to get one."
        ),
    ),
    create=extend_schema(
        summary=gettext_lazy("Make a token (the key is in this response only)"),
        description=gettext_lazy(
            "Needs your password: sign in with HTTP Basic (add `otp` if your account has two-factor sign-in), "
            "or send `password` from a signed-in session. A token cannot make tokens."
        ),
        request=TokenCreateSerializer,
        responses={201: NewTokenSerializer, **ERRORS},
    ),
    destroy=extend_schema(summary=gettext_lazy("Revoke one of your tokens"), responses={204: None, **ERRORS}),
)
class TokenViewSet(ApiViewMixin, mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Your tokens. Here alone a script may also sign in with username and password (HTTP Basic), to get one."""

    authentication_classes = [ApiTokenAuthentication, SessionAuthentication, PasswordAuthentication]
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]
    serializer_class = TokenSerializer
    pagination_class = None
    queryset = ApiToken.objects.none()

    def perform_authentication(self, request):
        # DRF checks throttles after authentication, too late to slow down a stream of passwords: the budget of the
        # client's address is spent first.
        throttle = TokenEndpointThrottle()
        if not throttle.allow_request(request, self):
            self.throttled(request, throttle.wait())
        super().perform_authentication(request)

    def get_queryset(self):
        return ApiToken.objects.filter(user=self.request.user)

    def get_object(self):
        self.kwargs["pk"] = as_id(self.kwargs.get("pk"))
        return super().get_object()

    def create(self, request):
        if isinstance(request.auth, ApiToken):
            raise PermissionDenied(_("A token cannot make tokens: use your password (HTTP Basic) or sign in."))
        serializer = TokenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        self._check_second_proof(request, data)
        token, key = token_create(user=request.user, name=data["name"], days=data.get("days"))
        record_account_event(
            kind=AccountEventKind.TOKEN_CREATED, request=request._request, user=request.user, detail=token.name
        )
        return Response({**TokenSerializer(token).data, "key": key}, status=status.HTTP_201_CREATED)

    def _check_second_proof(self, request, data) -> None:
        """A session proves the password again; HTTP Basic proves the second factor when the account has one."""
        user = request.user
        if isinstance(request.successful_authenticator, SessionAuthentication):
            if not password_is_right(request, user, data.get("password", "")):
                raise ValidationError({"password": [_("Send your password to make a token from a browser session.")]})
            return
        if has_two_factor(user):
            result = verify_second_factor(user=user, code=data.get("otp", ""))
            if result.device is None:
                raise PermissionDenied(
                    _("Your account has two-factor sign-in: send a code from your authenticator app as 'otp'.")
                )
        elif two_factor_required(user):
            raise PermissionDenied(
                _("Your role requires two-factor sign-in: set it up on the staff screens before making a token.")
            )

    def perform_destroy(self, instance):
        token_revoke(token=instance, by=self.request.user)
        record_account_event(
            kind=AccountEventKind.TOKEN_REVOKED,
            request=self.request._request,
            user=self.request.user,
            detail=instance.name,
        )
