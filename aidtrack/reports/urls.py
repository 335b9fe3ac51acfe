from django.urls import path

from aidtrack.reports.views import access, agreements, areas, convoys, people, profile

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

urlpatterns += [path("reports/people.svg", people.people_svg, name="people_svg")]

urlpatterns += [
    path("areas/", areas.area_list, name="area_list"),
    path("areas/<int:pk>/", areas.area_detail, name="area_detail"),
]

urlpatterns += [
    path("reports/access-profile/", profile.access_profile_page, name="access_profile"),
    path("reports/access-profile/<str:table>.csv", profile.access_profile_csv, name="access_profile_csv"),
]
