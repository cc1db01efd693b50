'use strict';
// The themes field (archive/forms.py, ThemesWidget): the admin's Select2 in "tags" mode, where
// choosing an existing theme is what Enter does and creating one is an option of its own.
//
// - A new theme is offered last, as "Create new theme “…”", so that the highlighted first
//   suggestion, the one Enter picks, is an existing theme whenever one matches.
// - An existing theme that differs only in capitals or spacing is the theme: no "create" offer.
// - A "create" offer left from an earlier search (the suggestions lag the typing) is never
//   taken for what is typed now.
// - Commas and semicolons separate themes, as the server reads them (archive/themes.py,
//   SEPARATORS): "war, peace" is offered as two new themes and chosen as two.
{
    const $ = django.jQuery;

    function normalised(text) {
        return (text || '').trim().split(/\s+/).join(' ');
    }

    function sameTheme(one, other) {
        return normalised(one).toLocaleLowerCase() === normalised(other).toLocaleLowerCase();
    }

    function names(text) {
        const found = [];
        for (const part of (text || '').split(/[,;\n\r]+/)) {
            const name = normalised(part);
            if (name && !found.some((other) => sameTheme(other, name))) {
                found.push(name);
            }
        }
        return found;
    }

    function themes(element) {
        const $element = $(element);
        $element.select2({
            ajax: {
                data: (params) => ({term: params.term, page: params.page}),
            },
            createTag: (params) => {
                const parts = names(params.term);
                const name = parts.join(', ');
                return name ? {id: name, text: name, newTheme: true, parts: parts} : null;
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
                const quoted = data.parts.map((part) => `“${part}”`).join(', ');
                return $('<span class="theme-create"></span>').text(
                    `Create new ${data.parts.length > 1 ? 'themes' : 'theme'} ${quoted}`
                );
            },
        });
        $element.on('select2:selecting', (event) => {
            const chosen = event.params.args.data;
            const search = $element.data('select2').$container.find('.select2-search__field');
            const typed = search.val();
            if (chosen.newTheme && !sameTheme(chosen.text, names(typed).join(', '))) {
                event.preventDefault();
            }
        });
        // Several new themes typed at once are chosen as as many themes.
        $element.on('select2:select', (event) => {
            const chosen = event.params.data;
            if (!chosen.newTheme || chosen.parts.length < 2) {
                return;
            }
            $element.find('option').filter((index, option) => option.value === chosen.id).remove();
            const selected = () => $element.find('option:selected').get().map((option) => option.value);
            for (const part of chosen.parts) {
                if (!selected().some((value) => sameTheme(value, part))) {
                    $element.append(new Option(part, part, true, true));
                }
            }
            $element.trigger('change');
        });
    }

    $(function() {
        $('.archive-themes').not('[name*=__prefix__]').each((index, element) => themes(element));
    });

    document.addEventListener('formset:added', (event) => {
        $(event.target).find('.archive-themes').each((index, element) => themes(element));
    });
}
