from django.urls import path

from aidtrack.reports.views import access, agreements, convoys

app_name = "reports"

urlpatterns = [
    path("agreements/", agreements.agreement_list, name="agreement_list"),
    path("agreements/<int:pk>/", agreements.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/days/<str:day>/", agreements.agreement_day, name="agreement_day"),
]

urlpatterns += [
    path("reports/access/", access.access_report_page, name="access_report"),
    path("reports/access/<str:table>.csv", access.access_report_csv, name="access_report_csv"),
]

urlpatterns += [
    path("reports/convoys/", convoys.convoy_funnel_page, name="convoy_funnel"),
    path("reports/convoys/<str:table>.csv", convoys.convoy_funnel_csv, name="convoy_funnel_csv"),
]
