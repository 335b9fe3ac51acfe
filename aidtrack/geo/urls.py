from django.urls import path

from aidtrack.geo import views

app_name = "geo"

urlpatterns = [
    path("layers/", views.layer_index, name="layers"),
    path("layers/adm<int:level>.geojson", views.admin_layer, name="admin-layer"),
    path("layers/communities.json", views.community_gazetteer, name="communities"),
    path("layers/towns.json", views.towns, name="towns"),
    path("layers/rivers.geojson", views.rivers, name="rivers"),
    path("layers/roads.geojson", views.roads, name="roads"),
]
