from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.cache import cache_control

from archive.sitemaps import sitemaps
from archive.views import healthz, robots_txt

public = cache_control(public=True, max_age=settings.PUBLIC_CACHE_SECONDS)

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("sitemap.xml", public(sitemap), {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", public(robots_txt), name="robots_txt"),
    path("healthz", healthz, name="healthz"),
    path("", include("archive.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
