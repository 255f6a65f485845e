app_name = "placements"
urlpatterns = []
