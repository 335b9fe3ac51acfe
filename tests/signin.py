"""Signing in as a person does in tests: through the sign-in page (django-axes watches it), with real codes."""

import time
from http import HTTPStatus

from django.urls import reverse
from django_otp.oath import TOTP

PASSWORD = "pass-word-123"


def saved(user):
    """The user factory sets the password without saving it; save it so that signing in works."""
    user.save(update_fields=["password"])
    return user


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(reverse("staff:login"), {"username": username, "password": password}, **extra)


def signed_in(response) -> bool:
    return response.status_code == HTTPStatus.FOUND and response["Location"] == reverse("staff:dashboard")


def totp_code(device, steps: int = 0) -> str:
    """The code an authenticator app shows now (or ``steps`` time steps later: a code is accepted once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps * device.step
    return f"{totp.token():0{device.digits}d}"
