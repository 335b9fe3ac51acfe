"""Routes of the staff screens, under /staff/."""

from django.contrib.auth import views as auth_views
from django.urls import path

from aidtrack.alerts.urls import staff_urlpatterns as alert_urls
from aidtrack.staff.views import (
    account,
    app,
    areas,
    convoys,
    dashboard,
    import_plan,
    imports,
    incidents,
    lookup,
    outbox,
    people,
    review,
    signin,
)

app_name = "staff"

auth = [
    path("login/", signin.StaffLoginView.as_view(), name="login"),
    path("login/code/", signin.login_verify, name="login_verify"),
    path("logout/", app.LogoutView.as_view(), name="logout"),
    path("password/reset/", signin.StaffPasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="staff/auth/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        signin.StaffPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="staff/auth/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("welcome/<uidb64>/<token>/", signin.InvitationAcceptView.as_view(), name="invitation_accept"),
    path("password/change/", account.StaffPasswordChangeView.as_view(), name="password_change"),
    path("account/", account.account, name="account"),
    path("account/two-factor/setup/", account.two_factor_setup, name="two_factor_setup"),
    path("account/two-factor/qr.svg", account.two_factor_qr, name="two_factor_qr"),
    path("account/two-factor/recovery-codes/", account.recovery_codes, name="recovery_codes"),
    path("account/two-factor/remove/", account.two_factor_remove, name="two_factor_remove"),
    path("account/tokens/<int:pk>/revoke/", account.token_revoke_view, name="token_revoke"),
]

people_urls = [
    path("people/", people.people_list, name="people"),
    path("people/invite/", people.invite, name="member_invite"),
    path("people/<int:pk>/", people.member_detail, name="member_detail"),
    path("people/<int:pk>/role/", people.member_role, name="member_role"),
    path("people/<int:pk>/remove/", people.member_remove_view, name="member_remove"),
    path("people/<int:pk>/invitation/", people.member_invitation_resend, name="member_invitation_resend"),
    path("people/<int:pk>/account/<slug:action>/", people.member_account_action, name="member_account"),
    path("people/sign-ins/", people.sign_in_log, name="sign_in_log"),
    path("people/downloads/", people.download_log, name="download_log"),
    path("people/changes/", people.changes, name="people_changes"),
]

urlpatterns = [
    *auth,
    *people_urls,
    *alert_urls,
    path("", dashboard.dashboard, name="dashboard"),
    path("incidents/", incidents.incident_list, name="incident_list"),
    path("incidents/new/", incidents.incident_create_view, name="incident_create"),
    path("incidents/drafts/<int:pk>/delete/", incidents.incident_draft_delete_view, name="incident_draft_delete"),
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
    path("import/<int:pk>/plan/", import_plan.import_plan, name="import_plan"),
    path("import/<int:pk>/refused.csv", import_plan.import_refused, name="import_refused"),
    path("import/mappings/import/", import_plan.mapping_import, name="import_mapping_import"),
    path("import/mappings/<int:pk>/export.json", import_plan.mapping_export, name="import_mapping_export"),
    path("import/mappings/", imports.mapping_list, name="import_mappings"),
    path("import/mappings/new/", imports.mapping_edit, name="import_mapping_new"),
    path("import/mappings/<int:pk>/", imports.mapping_edit, name="import_mapping_edit"),
    path("import/mappings/<int:pk>/delete/", imports.mapping_delete, name="import_mapping_delete"),
    path("lookup/place/", lookup.place, name="lookup_place"),
    path("lookup/communities/", lookup.communities, name="lookup_communities"),
    path("manifest.webmanifest", app.manifest, name="manifest"),
    path("outbox/", outbox.outbox_status, name="outbox"),
    path("outbox/incidents/", outbox.outbox_incident, name="outbox_incident"),
    path("outbox/convoys/<int:pk>/status/", outbox.outbox_convoy_step, name="outbox_convoy_step"),
    path("outbox/convoys/<int:pk>/removals/", outbox.outbox_convoy_removal, name="outbox_convoy_removal"),
    path("outbox/incidents/<int:pk>/", outbox.outbox_incident_edit, name="outbox_incident_edit"),
]
