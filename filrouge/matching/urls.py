app_name = "matching"
urlpatterns = []
