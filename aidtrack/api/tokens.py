"""/api/v1/tokens/: your own API tokens for scripts. Create one (the key is shown once), list, revoke."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import authentication, mixins, serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from aidtrack.api.authentication import ApiTokenAuthentication
from aidtrack.api.base import ApiViewMixin, doc_serializer
from aidtrack.api.incidents import ERRORS, as_id
from aidtrack.api.models import ApiToken
from aidtrack.api.serializers import TokenCreateSerializer
from aidtrack.api.services import token_create, token_revoke


class TokenSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True, help_text="Identifier, to revoke it.")

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at"]
        extra_kwargs = {
            "created_at": {"help_text": "When it was made."},
            "last_used_at": {"help_text": "Last use (to the minute), or null."},
        }


NewTokenSerializer = doc_serializer(
    "NewToken",
    {
        "id": serializers.IntegerField(help_text="Identifier, to revoke it."),
        "name": serializers.CharField(help_text="What it is for."),
        "prefix": serializers.CharField(help_text="First characters of the key."),
        "created_at": serializers.DateTimeField(help_text="When it was made."),
        "last_used_at": serializers.DateTimeField(allow_null=True, help_text="Null: never used."),
        "key": serializers.CharField(help_text="Send as 'Authorization: Token <key>'. Shown only now."),
    },
)


@extend_schema_view(
    list=extend_schema(summary="Your API tokens"),
    create=extend_schema(
        summary="Make a token (the key is in this response only)",
        request=TokenCreateSerializer,
        responses={201: NewTokenSerializer, **ERRORS},
    ),
    destroy=extend_schema(summary="Revoke one of your tokens", responses={204: None, **ERRORS}),
)
class TokenViewSet(ApiViewMixin, mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Your tokens. Here alone a script may also sign in with username and password (HTTP Basic), to get one."""

    authentication_classes = [
        ApiTokenAuthentication,
        authentication.SessionAuthentication,
        authentication.BasicAuthentication,
    ]
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]
    serializer_class = TokenSerializer
    pagination_class = None
    queryset = ApiToken.objects.none()

    def get_queryset(self):
        return ApiToken.objects.filter(user=self.request.user)

    def get_object(self):
        self.kwargs["pk"] = as_id(self.kwargs.get("pk"))
        return super().get_object()

    def create(self, request):
        serializer = TokenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, key = token_create(user=request.user, name=serializer.validated_data["name"])
        return Response({**TokenSerializer(token).data, "key": key}, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        token_revoke(token=instance, by=self.request.user)
