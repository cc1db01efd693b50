'use strict';
// An editor about to leave a film's, person's, article's, quote's, theme's or language's form
// with changes not saved (by "Preview", "History", "Paste a transcript", the navigation), a
// theme's new name typed, or the text to import pasted, is asked first, with the browser's own "Leave site?" question. The admin's pages are
// never cached, so the browser does not bring the changes back on returning: they were lost
// without a word.
//
// A change is a field whose value differs from the one the page was loaded with (the DOM's
// defaultValue, defaultChecked and defaultSelected), so a row added and left blank is none.
// A form shown again after an error holds what the editor entered and has not saved, and an
// import's split is a draft not made yet: leaving them is asked about too. Saving, or any
// other submission of the form, is not, nor the form's own "Cancel" or "Start again".
{
    // The option a list shows when loaded: the last one marked selected, else the first.
    function defaultIndex(select) {
        let index = select.options.length ? 0 : -1;
        for (const option of select.options) {
            if (option.defaultSelected) {
                index = option.index;
            }
        }
        return index;
    }

    function changed(form) {
        for (const field of form.elements) {
            if (field.disabled || field.type === 'hidden' || field.closest('.empty-form')) {
                continue;
            }
            if (field.type === 'checkbox' || field.type === 'radio') {
                if (field.checked !== field.defaultChecked) {
                    return true;
                }
            } else if (field.type === 'select-one') {
                if (field.selectedIndex !== defaultIndex(field)) {
                    return true;
                }
            } else if (field.type === 'select-multiple') {
                for (const option of field.options) {
                    if (option.selected !== option.defaultSelected) {
                        return true;
                    }
                }
            } else if (field.type === 'file') {
                if (field.files && field.files.length) {
                    return true;
                }
            } else if ('defaultValue' in field && field.value !== field.defaultValue) {
                return true;
            }
        }
        return false;
    }

    document.addEventListener('DOMContentLoaded', () => {
        const form = document.querySelector(
            '#content-main form[id$="_form"], #import-form, #import-preview, #theme-rename'
        );
        if (!form) {
            return;
        }
        const unsaved = form.id === 'import-preview' ||
            document.querySelector('#content-main .errornote, #content-main .errorlist') !== null;
        let leaving = false;
        form.addEventListener('submit', () => {
            leaving = true;
        });
        form.addEventListener('click', (event) => {
            if (event.target.closest('.cancel-link')) {
                leaving = true;
            }
        });
        window.addEventListener('beforeunload', (event) => {
            if (!leaving && (unsaved || changed(form))) {
                event.preventDefault();
                event.returnValue = '';
            }
        });
    });
}
