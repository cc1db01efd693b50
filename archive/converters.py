class ThemeSlugConverter:
    """Theme slugs keep Unicode letters (Arabic themes have Arabic slugs): `<slug:>` is ASCII."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
