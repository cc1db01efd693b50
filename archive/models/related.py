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
    (`through="article"` for the articles of a list of quotes), with a queryset if given (the
    columns a list shows). An object whose list was not prefetched that way reads it through
    the relation's manager, which uses the relation's own prefetch if there is one: the
    attribute is right either way, and a missing prefetch shows as a query per object in the
    pinned query counts.

    `order_by` orders the list by the link between the two (a byline's place, set by editors),
    rather than by the related model's own order (a person's name); the database reads the
    link's columns from the join it makes anyway. Such a list is read in that order, never from
    the relation's own prefetch, which has the related model's order.
    """

    def __init__(self, relation, order_by=()):
        self.relation = relation
        self.order_by = order_by

    def __set_name__(self, owner, name):
        self.model = owner
        self.to_attr = f"prefetched_{self.relation}"

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        try:
            return instance.__dict__[self.to_attr]
        except KeyError:
            return list(self.ordered(getattr(instance, self.relation).all()))

    def ordered(self, queryset):
        return queryset.order_by(*self.order_by) if self.order_by else queryset

    def prefetch(self, queryset=None, through=""):
        prefix = f"{through}__" if through else ""
        if queryset is None and self.order_by:
            related = self.model._meta.get_field(self.relation).related_model
            queryset = related._default_manager.all()
        if queryset is not None:
            queryset = self.ordered(queryset)
        return Prefetch(prefix + self.relation, queryset=queryset, to_attr=self.to_attr)
