'use strict';
// Long lists of fixed choices (archive/admin/widgets.py, SearchableSelectMultiple): the admin's
// Select2 searching the options already in the page.
{
    const $ = django.jQuery;

    function searchable(element) {
        $(element).select2();
    }

    $(function() {
        $('.archive-select').not('[name*=__prefix__]').each((index, element) => searchable(element));
    });

    document.addEventListener('formset:added', (event) => {
        $(event.target).find('.archive-select').each((index, element) => searchable(element));
    });
}
