from django.urls import path

from aidtrack.reports.views import agreements

app_name = "reports"

urlpatterns = [
    path("agreements/", agreements.agreement_list, name="agreement_list"),
    path("agreements/<int:pk>/", agreements.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/days/<str:day>/", agreements.agreement_day, name="agreement_day"),
]
