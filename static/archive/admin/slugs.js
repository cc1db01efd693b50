'use strict';
// The slug the admin fills in as an editor types a title or a name, as it will be saved
// (archive/models/slugs.py): Latin letters written in ASCII, the letters of other scripts kept.
// Django's script keeps "ø" in a slug that allows Unicode, and the saved slug then differed
// from the one shown ("søren-steen" became soren-steen).
{
    // Latin letters that are not a letter and its accents, as the server writes them.
    const OWN_LETTERS = {
        'Æ': 'Ae', 'æ': 'ae', 'Ø': 'O', 'ø': 'o', 'Œ': 'Oe', 'œ': 'oe', 'ß': 'ss', 'ẞ': 'Ss',
        'Đ': 'D', 'đ': 'd', 'Ð': 'D', 'ð': 'd', 'Ł': 'L', 'ł': 'l', 'Þ': 'Th', 'þ': 'th',
        'Ħ': 'H', 'ħ': 'h', 'ı': 'i', 'Ŧ': 'T', 'ŧ': 't', 'Ŋ': 'Ng', 'ŋ': 'ng', 'ĸ': 'q',
        'ſ': 's', 'ƒ': 'f'
    };
    const LATIN = /\p{Script=Latin}/u;
    const ASCII = /^[\x00-\x7f]*$/;

    function inAscii(character) {
        if (ASCII.test(character) || !LATIN.test(character)) {
            return character;
        }
        if (character in OWN_LETTERS) {
            return OWN_LETTERS[character];
        }
        const bare = character.normalize('NFKD').replace(/\p{M}/gu, '');
        return ASCII.test(bare) ? bare : character;
    }

    document.addEventListener('DOMContentLoaded', () => {
        const urlify = window.URLify;
        if (!urlify) {
            return;
        }
        window.URLify = (text, length, allowUnicode) => urlify(
            Array.from(text.normalize('NFKC'), inAscii).join(''), length, allowUnicode
        );
    });
}
