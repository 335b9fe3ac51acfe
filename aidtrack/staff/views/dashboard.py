from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from aidtrack.orgs.permissions import is_site_admin
from aidtrack.staff.selectors import dashboard_for


@login_required
def dashboard(request):
    memberships = request.user.memberships.select_related("organization")
    return render(
        request,
        "staff/dashboard.html",
        {
            "dashboard": dashboard_for(request.user),
            "memberships": memberships,
            "site_admin": is_site_admin(request.user),
        },
    )
