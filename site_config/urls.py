from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from archive.pagecache import public_page as public
from archive.sitemaps import index as sitemap_index
from archive.sitemaps import section as sitemap_section
from archive.views import healthz, robots_txt

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("sitemap.xml", public(sitemap_index), name="sitemap"),
    path("sitemap-<section>.xml", public(sitemap_section, params=("p",)), name="sitemap_section"),
    path("robots.txt", public(robots_txt), name="robots_txt"),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("archive.api.urls")),
    path("", include("archive.urls")),
]

handler400 = "archive.views.bad_request"
handler403 = "archive.views.permission_denied"
handler404 = "archive.views.page_not_found"
handler500 = "archive.views.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
