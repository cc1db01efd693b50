"""The read-only content API under /api/v1/: what readers may see on the site, as JSON for other
programs (Django REST framework; the OpenAPI description by drf-spectacular)."""
