"""The register of areas: current status, a new status period, a new population estimate, history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aidtrack.areas.models import AccessStatus
from aidtrack.areas.selectors import area_change_author, area_figures, periods_on
from aidtrack.areas.services import area_set_status, area_update_population
from aidtrack.errors import StaleEditError
from aidtrack.orgs.audience import audience_of
from aidtrack.staff.forms.areas import AreaPopulationForm, AreaStatusForm
from aidtrack.staff.history import changes_since, record_history
from aidtrack.staff.selectors import areas_for_staff, writable_organizations
from aidtrack.staff.views.common import add_service_error, stale_message


def _author(request):
    audience = audience_of(request.user)
    return lambda row: area_change_author(row, audience)


@login_required
def area_list(request):
    today = timezone.localdate()
    areas = areas_for_staff().prefetch_related(
        Prefetch("status_periods", queryset=periods_on(today), to_attr="current_periods"), "besieging_parties"
    )
    status = request.GET.get("status", "")
    rows = [(area, area.current_periods[0] if area.current_periods else None) for area in areas]
    if status in AccessStatus.values:
        rows = [(area, period) for area, period in rows if period and period.status == status]
    return render(
        request,
        "staff/areas/list.html",
        {"rows": rows, "status": status, "statuses": AccessStatus.choices, "today": today},
    )


def _context(request, area, status_form=None, population_form=None, changed_meanwhile=None):
    may_write = writable_organizations(request.user).exists()
    figures = area_figures(area, audience=audience_of(request.user))
    return {
        "area": area,
        "figures": figures,
        "current_label": AccessStatus(figures.current_status).label if figures.current_status else "—",
        "periods": area.status_periods.select_related("organization", "recorded_by").order_by("-start_date"),
        "status_form": status_form or (AreaStatusForm(user=request.user, area=area) if may_write else None),
        "population_form": population_form or (AreaPopulationForm(user=request.user, area=area) if may_write else None),
        "changed_meanwhile": changed_meanwhile,
        "tab": "detail",
    }


@login_required
def area_detail(request, pk):
    area = get_object_or_404(areas_for_staff(), pk=pk)
    return render(request, "staff/areas/detail.html", _context(request, area))


def _update(request, pk, form_class, service, success, context_key):
    area = get_object_or_404(areas_for_staff(), pk=pk)
    form = form_class(request.POST, user=request.user, area=area)
    changed_meanwhile = None
    if form.is_valid():
        try:
            service(area=area, by=request.user, **form.cleaned_data)
        except StaleEditError as error:
            area.refresh_from_db()
            changed_meanwhile = changes_since(area, error.expected_version, _author(request))
            data = request.POST.copy()
            data["expected_version"] = str(area.version)
            form = form_class(data, user=request.user, area=area)
            form.is_valid()
            form.add_error(None, stale_message(error))
        except (ValidationError, PermissionDenied) as error:
            add_service_error(form, error)
        else:
            messages.success(request, success(area))
            return redirect("staff:area_detail", pk=area.pk)
    area.refresh_from_db()
    context = _context(request, area, changed_meanwhile=changed_meanwhile, **{context_key: form})
    return render(request, "staff/areas/detail.html", context, status=400)


@login_required
@require_POST
def area_status_view(request, pk):
    return _update(
        request,
        pk,
        AreaStatusForm,
        area_set_status,
        lambda area: (
            _("The status of %(area)s is recorded; the previous period ends on the new period's first day.")
            % {"area": area}
        ),
        "status_form",
    )


@login_required
@require_POST
def area_population_view(request, pk):
    return _update(
        request,
        pk,
        AreaPopulationForm,
        area_update_population,
        lambda area: _("The population estimate of %(area)s is updated.") % {"area": area},
        "population_form",
    )


@login_required
def area_history(request, pk):
    area = get_object_or_404(areas_for_staff(), pk=pk)
    return render(
        request,
        "staff/history.html",
        {"record": area, "entries": record_history(area, _author(request)), "tab": "history", "kind": "area"},
    )
