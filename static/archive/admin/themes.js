'use strict';
// The themes field (archive/forms.py, ThemesWidget): the admin's Select2 in "tags" mode, where
// choosing an existing theme is what Enter does and creating one is an option of its own.
//
// - A new theme is offered last, as "Create new theme “…”", so that the highlighted first
//   suggestion, the one Enter picks, is an existing theme whenever one matches.
// - An existing theme that differs only in capitals or spacing is the theme: no "create" offer.
// - A "create" offer left from an earlier search (the suggestions lag the typing) is never
//   taken for what is typed now.
{
    const $ = django.jQuery;

    function normalised(text) {
        return (text || '').trim().split(/\s+/).join(' ');
    }

    function sameTheme(one, other) {
        return normalised(one).toLocaleLowerCase() === normalised(other).toLocaleLowerCase();
    }

    function themes(element) {
        const $element = $(element);
        $element.select2({
            ajax: {
                data: (params) => ({term: params.term, page: params.page}),
            },
            createTag: (params) => {
                const name = normalised(params.term);
                return name ? {id: name, text: name, newTheme: true} : null;
            },
            insertTag: (suggestions, tag) => {
                if (!suggestions.some((suggestion) => sameTheme(suggestion.text, tag.text))) {
                    suggestions.push(tag);
                }
            },
            templateResult: (data) => {
                if (!data.newTheme) {
                    return data.text;
                }
                return $('<span class="theme-create"></span>').text(
                    `Create new theme “${data.text}”`
                );
            },
        });
        $element.on('select2:selecting', (event) => {
            const chosen = event.params.args.data;
            const search = $element.data('select2').$container.find('.select2-search__field');
            const typed = search.val();
            if (chosen.newTheme && !sameTheme(chosen.text, typed)) {
                event.preventDefault();
            }
        });
    }

    $(function() {
        $('.archive-themes').not('[name*=__prefix__]').each((index, element) => themes(element));
    });

    document.addEventListener('formset:added', (event) => {
        $(event.target).find('.archive-themes').each((index, element) => themes(element));
    });
}
