/*
 * An interview's exchanges in the article admin: moved with ↑/↓ buttons or by dragging, instead
 * of typing order numbers. The order field is hidden and numbered from each exchange's place on
 * the page; without this script it stays visible and editable.
 *
 * A file, not an inline script: the admin runs under a Content Security Policy (script-src and
 * style-src 'self'), so everything is done with classes and the `hidden` attribute.
 *
 * The admin's inlines.js renumbers the forms' field names in page order when a new exchange is
 * removed; the exchanges are put back in form order for that moment, then in their order again.
 */
"use strict";
{
    const GROUP_ID = "exchanges-group";

    const group = () => document.getElementById(GROUP_ID);
    const rows = () => [...group().querySelectorAll(".exchange-row:not(.empty-form)")];
    const input = (row, name) => row.querySelector(`[name$="-${name}"]`);
    const formIndex = (row) => Number(row.id.split("-").pop());
    const order = (row) => Number(input(row, "order").value) || 0;

    // A new exchange left blank: Django ignores it while it keeps its initial values.
    function isBlankNew(row) {
        const id = input(row, "id");
        return !(id && id.value) && !input(row, "question").value.trim() && !input(row, "answer").value.trim();
    }

    function placeInOrder(key) {
        const sorted = rows().sort((a, b) => key(a) - key(b) || formIndex(a) - formIndex(b));
        const anchor = group().querySelector(".exchange-row.empty-form") || group().querySelector(".add-row");
        for (const row of sorted) {
            row.parentNode.insertBefore(row, anchor);
        }
    }

    // The order numbers the exchanges already had, given out again in page order, so that
    // only the exchanges that moved change (new ones share a number: they are made distinct).
    function renumber() {
        const numbered = rows().filter((row) => !isBlankNew(row));
        const numbers = numbered.map(order).sort((a, b) => a - b);
        numbered.forEach((row, i) => {
            const number = i === 0 ? numbers[0] : Math.max(numbers[i], order(numbered[i - 1]) + 1);
            input(row, "order").value = String(number);
        });
    }

    function updateButtons() {
        const all = rows();
        all.forEach((row, i) => {
            const label = row.querySelector(".inline_label").textContent.trim();
            for (const button of row.querySelectorAll(".exchange-move")) {
                const up = button.dataset.move === "up";
                button.disabled = up ? i === 0 : i === all.length - 1;
                button.setAttribute("aria-label", `Move “${label}” ${up ? "up" : "down"}`);
            }
        });
    }

    function button(direction, text) {
        const element = document.createElement("button");
        element.type = "button";
        element.className = "exchange-move";
        element.dataset.move = direction;
        element.textContent = text;
        element.title = direction === "up" ? "Move up" : "Move down";
        return element;
    }

    function setUp(row) {
        const field = input(row, "order");
        if (!field || row.querySelector(".exchange-move")) {
            return;
        }
        const formRow = field.closest(".form-row");
        if (formRow && !formRow.querySelector(".errorlist")) {
            formRow.hidden = true;
        }
        const handle = document.createElement("span");
        handle.className = "exchange-handle";
        handle.draggable = true;
        handle.title = "Drag to move";
        handle.textContent = "⠿";
        row.querySelector(".exchange-tools").prepend(handle, button("up", "↑"), button("down", "↓"));
    }

    function move(row, direction) {
        const all = rows();
        const i = all.indexOf(row);
        const j = direction === "up" ? i - 1 : i + 1;
        if (j < 0 || j >= all.length) {
            return;
        }
        if (direction === "up") {
            all[j].before(row);
        } else {
            all[j].after(row);
        }
        renumber();
        updateButtons();
    }

    function start() {
        if (!group()) {
            return;
        }
        rows().forEach(setUp);
        // A form shown again after an error: the exchanges where the editor had put them.
        placeInOrder(order);
        updateButtons();

        group().addEventListener("click", (event) => {
            const target = event.target.closest(".exchange-move");
            if (target) {
                move(target.closest(".exchange-row"), target.dataset.move);
                target.focus();
            }
        });

        // Before inlines.js renumbers the forms on removing a new exchange (capture phase).
        document.addEventListener("click", (event) => {
            if (event.target.closest(`#${GROUP_ID} .inline-deletelink`)) {
                placeInOrder(formIndex);
            }
        }, true);
        document.addEventListener("formset:removed", (event) => {
            if (event.detail && event.detail.formsetName === "exchanges") {
                placeInOrder(order);
                updateButtons();
            }
        });
        document.addEventListener("formset:added", (event) => {
            if (event.detail && event.detail.formsetName === "exchanges") {
                setUp(event.target);
                updateButtons();
            }
        });

        let dragged = null;
        group().addEventListener("dragstart", (event) => {
            if (!event.target.classList || !event.target.classList.contains("exchange-handle")) {
                return;
            }
            dragged = event.target.closest(".exchange-row");
            dragged.classList.add("exchange-dragged");
            event.dataTransfer.effectAllowed = "move";
            event.dataTransfer.setData("text/plain", "");
            event.dataTransfer.setDragImage(dragged, 20, 20);
        });
        group().addEventListener("dragover", (event) => {
            const over = dragged && event.target.closest(".exchange-row:not(.empty-form)");
            if (!over || over === dragged) {
                return;
            }
            event.preventDefault();
            const box = over.getBoundingClientRect();
            if (event.clientY < box.top + box.height / 2) {
                over.before(dragged);
            } else {
                over.after(dragged);
            }
        });
        group().addEventListener("drop", (event) => {
            if (dragged) {
                event.preventDefault();
            }
        });
        group().addEventListener("dragend", () => {
            if (dragged) {
                dragged.classList.remove("exchange-dragged");
                dragged = null;
                renumber();
                updateButtons();
            }
        });
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
}
