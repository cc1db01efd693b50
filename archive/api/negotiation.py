from rest_framework.negotiation import BaseContentNegotiation


class AlwaysJSON(BaseContentNegotiation):
    """Each address has one representation, JSON, whatever the client's Accept header says: the
    page cache keeps one copy per address, and a browser's `Accept: text/html` gets JSON too."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
