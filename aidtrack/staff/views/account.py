"""The signed-in user's own account."""

from django.contrib.auth.views import PasswordChangeView
from django.contrib.messages.views import SuccessMessageMixin
from django.urls import reverse_lazy


class StaffPasswordChangeView(SuccessMessageMixin, PasswordChangeView):
    template_name = "staff/auth/password_change.html"
    success_url = reverse_lazy("staff:dashboard")
    success_message = "Your password is changed."
