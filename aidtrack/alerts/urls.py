"""Routes of alerts. The staff screens join the staff URLs (behind sign-in and the second factor); the
one-click unsubscribe link of an e-mail works without signing in."""

from django.urls import path

from aidtrack.alerts import views

app_name = "alerts"

urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]

staff_urlpatterns = [
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/new/", views.subscription_new, name="alert_subscribe"),
    path("alerts/<int:pk>/<slug:action>/", views.subscription_action, name="alert_subscription"),
    path("webhooks/", views.webhook_list, name="webhooks"),
    path("webhooks/new/", views.webhook_new, name="webhook_new"),
    path("webhooks/<int:pk>/", views.webhook_detail, name="webhook_detail"),
    path("webhooks/<int:pk>/<slug:action>/", views.webhook_action, name="webhook_action"),
]
