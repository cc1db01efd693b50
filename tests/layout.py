"""What the browser tests measure of a page's layout: nothing wider than the window, no box
wider than it shows (a list or a table of credits hiding its last columns behind a scroll bar
of its own, which leaves the page itself the window's width), and words kept whole in lists."""

OVERFLOW = """(scrolls) => {
    const wide = [];
    for (const element of document.querySelectorAll("body *")) {
        // A box that scrolls sideways hides part of what it holds (the last columns of a list)
        // until the reader scrolls inside it. A form field scrolls its own value.
        if (!["auto", "scroll"].includes(getComputedStyle(element).overflowX)) continue;
        if (element.matches("input, select, textarea")) continue;
        if (scrolls && element.matches(scrolls)) continue;
        if (element.scrollWidth > element.clientWidth + 1) {
            wide.push(
                `${element.tagName}#${element.id}.${element.className} ` +
                `(${element.scrollWidth} px in ${element.clientWidth})`
            );
        }
    }
    const width = window.innerWidth;
    const past = [...document.querySelectorAll("body *")]
        .filter((element) => element.getBoundingClientRect().right > width + 1)
        .map((element) => `${element.tagName}#${element.id}.${element.className} past the window`);
    return {scrollWidth: document.documentElement.scrollWidth, width, wide, past};
}"""

BROKEN_WORDS = """(selector) => {
    const broken = [];
    for (const box of document.querySelectorAll(selector)) {
        const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const word of node.data.matchAll(/[^\\s\\-\\u2010-\\u2014/]+/g)) {
                const range = document.createRange();
                range.setStart(node, word.index);
                range.setEnd(node, word.index + word[0].length);
                const lines = new Set([...range.getClientRects()].map((rect) => rect.top));
                if (lines.size > 1) broken.push(word[0]);
            }
        }
    }
    return broken;
}"""


def overflow(page, scrolls=None):
    """How the page at hand overflows, as a list of descriptions, empty when everything fits:
    the page past the window (with the first elements that stick out), and the boxes whose
    content is wider than they are (`scrolls`, a selector, names the boxes that may be)."""
    measured = page.evaluate(OVERFLOW, scrolls)
    found = measured["wide"]
    if measured["scrollWidth"] > measured["width"]:
        found += [f"the page: {measured['scrollWidth']} px in {measured['width']}"]
        found += measured["past"][:5]
    return found


def broken_words(page, selector):
    """The words broken across two lines inside the elements `selector` names."""
    return page.evaluate(BROKEN_WORDS, selector)
