"""Related objects as plain lists, for the pages that show many objects with theirs.

`prefetch_related("themes")` reads a list's themes in one query, then builds a queryset of its
own for every object to hold them: for django-taggit's managers that costs more than the query
(12 ms for the 30 entries of a feed, against 4 ms read into plain lists); authors, films and
exchanges cost less each, but a list page pays for every item. A `Prefetch(..., to_attr=...)`
sets a plain list instead. `RelatedList` names that list once, on the model, so that templates
and code read one attribute whether or not the view prefetched it.
"""

from django.db.models import Prefetch


class RelatedList:
    """The objects of a many-valued relation of the model, as a list.

    `Model.attribute.prefetch()` is the `Prefetch` that fills it for a whole list of objects
    (`through="article"` for the articles of a list of quotes). An object whose list was not
    prefetched that way reads it through the relation's manager, which uses the relation's own
    prefetch if there is one: the attribute is right either way, and a missing prefetch shows
    as a query per object in the pinned query counts.
    """

    def __init__(self, relation):
        self.relation = relation

    def __set_name__(self, owner, name):
        self.to_attr = f"prefetched_{self.relation}"

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        try:
            return instance.__dict__[self.to_attr]
        except KeyError:
            return list(getattr(instance, self.relation).all())

    def prefetch(self, queryset=None, through=""):
        prefix = f"{through}__" if through else ""
        return Prefetch(prefix + self.relation, queryset=queryset, to_attr=self.to_attr)
