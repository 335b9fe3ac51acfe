"""Routes of the staff screens, under /staff/."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from aidtrack.staff.views import account, areas, convoys, dashboard, imports, incidents, lookup, review

app_name = "staff"

auth = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="staff/auth/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="staff/auth/password_reset.html",
            email_template_name="staff/auth/password_reset_email.txt",
            subject_template_name="staff/auth/password_reset_subject.txt",
            success_url=reverse_lazy("staff:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="staff/auth/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="staff/auth/password_reset_confirm.html",
            success_url=reverse_lazy("staff:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="staff/auth/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("password/change/", account.StaffPasswordChangeView.as_view(), name="password_change"),
]

urlpatterns = [
    *auth,
    path("", dashboard.dashboard, name="dashboard"),
    path("incidents/", incidents.incident_list, name="incident_list"),
    path("incidents/new/", incidents.incident_create_view, name="incident_create"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/edit/", incidents.incident_edit, name="incident_edit"),
    path("incidents/<int:pk>/review/", incidents.incident_review_view, name="incident_review"),
    path("incidents/<int:pk>/history/", incidents.incident_history, name="incident_history"),
    path("convoys/", convoys.convoy_list, name="convoy_list"),
    path("convoys/new/", convoys.convoy_create_view, name="convoy_create"),
    path("convoys/<int:pk>/", convoys.convoy_detail, name="convoy_detail"),
    path("convoys/<int:pk>/edit/", convoys.convoy_edit, name="convoy_edit"),
    path("convoys/<int:pk>/status/", convoys.convoy_transition_view, name="convoy_transition"),
    path("convoys/<int:pk>/removals/", convoys.convoy_removal_view, name="convoy_removal"),
    path("convoys/<int:pk>/history/", convoys.convoy_history, name="convoy_history"),
    path("areas/", areas.area_list, name="area_list"),
    path("areas/<int:pk>/", areas.area_detail, name="area_detail"),
    path("areas/<int:pk>/status/", areas.area_status_view, name="area_status"),
    path("areas/<int:pk>/population/", areas.area_population_view, name="area_population"),
    path("areas/<int:pk>/history/", areas.area_history, name="area_history"),
    path("review/", review.review_queue, name="review_queue"),
    path("import/", imports.import_page, name="import"),
    path("import/<int:pk>/", imports.import_run, name="import_run"),
    path("import/<int:pk>/commit/", imports.import_commit, name="import_commit"),
    path("import/<int:pk>/progress.json", imports.import_progress, name="import_progress"),
    path("import/mappings/", imports.mapping_list, name="import_mappings"),
    path("import/mappings/new/", imports.mapping_edit, name="import_mapping_new"),
    path("import/mappings/<int:pk>/", imports.mapping_edit, name="import_mapping_edit"),
    path("import/mappings/<int:pk>/delete/", imports.mapping_delete, name="import_mapping_delete"),
    path("lookup/place/", lookup.place, name="lookup_place"),
    path("lookup/communities/", lookup.communities, name="lookup_communities"),
]
