/* Tables read as cards on a narrow screen (app.css, "Tables on a narrow screen").

   Each body cell gets its column's name in `data-label`, which the stylesheet writes before the
   cell once rows are stacked. The rows are stacked with `display: block`, which makes some
   browsers drop a table's semantics: the native roles are therefore written out, so that screen
   readers keep the table, its header row and each cell's column. Tables swapped in by htmx get
   the same. */
(() => {
  "use strict";

  const ROLES = { TABLE: "table", THEAD: "rowgroup", TBODY: "rowgroup", TFOOT: "rowgroup", TR: "row", TD: "cell" };

  const text = (cell) => cell.textContent.replace(/\s+/g, " ").trim();

  // The column names, by column index (a header spanning columns names each of them).
  function columnNames(table) {
    const rows = table.tHead ? table.tHead.rows : [];
    const names = [];
    if (!rows.length) return names;
    for (const cell of rows[rows.length - 1].cells) {
      for (let span = 0; span < cell.colSpan; span += 1) names.push(text(cell));
    }
    return names;
  }

  function label(table) {
    if (table.dataset.cards === "done") return;
    table.setAttribute("role", ROLES.TABLE);
    const names = columnNames(table);
    for (const row of table.rows) {
      row.setAttribute("role", ROLES.TR);
      const group = row.parentElement;
      if (group && ROLES[group.tagName] && !group.hasAttribute("role")) group.setAttribute("role", ROLES[group.tagName]);
      let column = 0;
      for (const cell of row.cells) {
        if (cell.tagName === "TH") {
          const byRow = cell.getAttribute("scope") === "row" || group?.tagName !== "THEAD";
          cell.setAttribute("role", byRow ? "rowheader" : "columnheader");
        } else {
          cell.setAttribute("role", ROLES.TD);
        }
        // A cell spanning the whole row ("nothing to show") needs no column name.
        const name = names[column];
        if (group?.tagName !== "THEAD" && name && cell.colSpan < names.length && !cell.hasAttribute("data-label")) {
          cell.setAttribute("data-label", name);
        }
        column += cell.colSpan;
      }
    }
    table.dataset.cards = "done";
  }

  function equip(root) {
    const tables = root.matches?.("table.table") ? [root] : root.querySelectorAll?.("table.table") ?? [];
    for (const table of tables) label(table);
  }

  document.addEventListener("DOMContentLoaded", () => equip(document));
  document.addEventListener("htmx:load", (event) => equip(event.target));
})();
