// Sortable tables: each header of a table inside .mc-sortable becomes a button that sorts the
// rows by that column, ascending then descending. Text only (no HTML is built from cells), so
// it runs under the explorer's Content-Security-Policy too.
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

function sortBy(table, index, header) {
  const body = table.tBodies[0];
  const ascending = header.getAttribute("aria-sort") !== "ascending";
  const rows = Array.from(body.rows);
  rows.sort((a, b) => {
    const order = collator.compare(a.cells[index].textContent.trim(), b.cells[index].textContent.trim());
    return ascending ? order : -order;
  });
  for (const th of table.tHead.rows[0].cells) th.removeAttribute("aria-sort");
  header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  body.append(...rows);
}

function enable(table) {
  if (!table.tHead || !table.tBodies[0] || table.dataset.sortable) return;
  table.dataset.sortable = "true";
  Array.from(table.tHead.rows[0].cells).forEach((header, index) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "mc-sort";
    button.append(...header.childNodes);
    button.title = "Sort by this column";
    button.addEventListener("click", () => sortBy(table, index, header));
    header.append(button);
  });
}

function enableAll() {
  document.querySelectorAll(".mc-sortable table").forEach(enable);
}

if (window.document$?.subscribe) window.document$.subscribe(enableAll);
else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", enableAll);
else enableAll();
