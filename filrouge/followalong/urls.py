app_name = "followalong"
urlpatterns = []
