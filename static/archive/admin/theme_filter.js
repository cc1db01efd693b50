'use strict';
// The lists' theme filter where it is a field (archive/admin/lists.py, ThemeFilter): the
// names of the themes matching what the editor types, as the field's suggestions, from the
// themes field's autocomplete. Without it, a theme's whole name, in any capitals, still works.
{
    const WAIT_MS = 150;

    for (const form of document.querySelectorAll('form.theme-finder')) {
        const input = form.querySelector('input[type=search]');
        const names = document.getElementById(input.getAttribute('list'));
        let timer = null;
        let asked = 0;

        const suggest = () => {
            const term = input.value.trim();
            const ask = ++asked;
            if (!term) {
                names.replaceChildren();
                return;
            }
            const url = `${form.dataset.autocomplete}?term=${encodeURIComponent(term)}`;
            fetch(url, {credentials: 'same-origin', headers: {Accept: 'application/json'}})
                .then((response) => (response.ok ? response.json() : {results: []}))
                .then((data) => {
                    if (ask === asked) {
                        names.replaceChildren(...data.results.map((theme) => new Option(theme.text, theme.text)));
                    }
                })
                .catch(() => {});
        };

        input.addEventListener('input', () => {
            clearTimeout(timer);
            timer = setTimeout(suggest, WAIT_MS);
        });
    }
}
