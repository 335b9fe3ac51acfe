"""Two-factor sign-in with django-otp: an authenticator app (TOTP) and recovery codes (static tokens).

Who must use it is a setting (``AIDTRACK_REQUIRE_2FA_FOR``: roles, or "all");
anyone may turn it on. A user with a confirmed device signs in with the
password and then a code; the session is only opened once both are right.
"""

import base64
import dataclasses
import datetime
import re

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from aidtrack.orgs.models import Role
from aidtrack.orgs.permissions import is_site_admin

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
MEMBER_ROLES = {Role.REPORTER.value, Role.REVIEWER.value, Role.ORGANIZATION_ADMIN.value}


def two_factor_required(user) -> bool:
    """Whether the user's roles oblige them to sign in with a second factor (``AIDTRACK_REQUIRE_2FA_FOR``)."""
    roles = set(settings.AIDTRACK_REQUIRE_2FA_FOR)
    if not roles or user is None or not user.is_authenticated:
        return False
    if "all" in roles or ("site_admin" in roles and is_site_admin(user)):
        return True
    member_roles = roles & MEMBER_ROLES
    return bool(member_roles) and user.memberships.filter(role__in=member_roles).exists()


def has_two_factor(user) -> bool:
    return user is not None and user.is_authenticated and user_has_device(user, confirmed=True)


def authenticator_of(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def authenticator_start(*, user) -> TOTPDevice:
    """A new, unconfirmed authenticator for the user to scan; an earlier unconfirmed one is dropped."""
    TOTPDevice.objects.devices_for_user(user, confirmed=False).delete()
    device = TOTPDevice(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    device.full_clean()
    device.save()
    return device


def pending_authenticator(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=False).first()


@transaction.atomic
def authenticator_confirm(*, device: TOTPDevice, code: str) -> list[str]:
    """Confirm a scanned authenticator with a code it shows; it replaces any earlier one.

    Returns new recovery codes (the old ones stop working): they are shown once and never again.
    """
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if device.confirmed:
        raise ValidationError(_("This authenticator is already set up."))
    if not device.verify_token(_digits(code)):
        raise ValidationError({"code": _("That code is not right: type the 6 digits your app shows now for aidtrack.")})
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_create(user=device.user)


@transaction.atomic
def recovery_codes_create(*, user) -> list[str]:
    """Ten new single-use recovery codes for the user; earlier ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return [format_recovery_code(code) for code in codes]


@transaction.atomic
def two_factor_remove(*, user, by) -> None:
    """Remove the user's authenticator and recovery codes.

    The user may do it when no role obliges them to keep it; an administrator does it for a user who lost their
    phone and codes (the user then sets up a new one at the next sign-in when it is required).
    """
    if by.pk == user.pk and two_factor_required(user):
        raise PermissionDenied(
            _("Your role requires two-factor sign-in: set up a new authenticator instead of removing it.")
        )
    for device in devices_for_user(user, confirmed=None):
        device.delete()


@dataclasses.dataclass
class SecondFactorResult:
    device: object | None = None
    recovery_code: bool = False
    wait_until: datetime.datetime | None = None


def verify_second_factor(*, user, code: str) -> SecondFactorResult:
    """Check a code from the user's authenticator, or one of their recovery codes (which is then used up).

    Wrong codes slow the device down (django-otp's throttling doubles the wait after each); ``wait_until`` says
    until when no code is checked.
    """
    typed = re.sub(r"[\s-]", "", code or "").lower()
    recovery = not (typed.isdigit() and len(typed) == 6)
    model = StaticDevice if recovery else TOTPDevice
    with transaction.atomic():
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            allowed, why = device.verify_is_allowed()
            if not allowed:
                return SecondFactorResult(wait_until=(why or {}).get("locked_until"))
            if device.verify_token(typed):
                return SecondFactorResult(device=device, recovery_code=recovery)
    return SecondFactorResult()


def _digits(code: str) -> str:
    return re.sub(r"\D", "", code or "")


def format_recovery_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def secret_for_typing(device: TOTPDevice) -> str:
    """The key as an authenticator app takes it typed in: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as a QR code, in SVG (qrcode renders it without Pillow)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    return image.to_string(encoding="unicode")
