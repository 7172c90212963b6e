// Sortable tables: a header cell with data-sort-type ("number" or "text") gets a button that
// sorts the table's body by that column, by each cell's data-sort-value (a raw number, an ISO
// date, a rank) or else its text, so "1 234,5" sorts as a number whatever the language.
// Without JavaScript the table keeps the order the server gave it, and no button is shown:
// a button that does nothing would be worse than none.
(() => {
  const language = document.documentElement.lang || "pl";
  const collator = new Intl.Collator(language, { numeric: true, sensitivity: "base" });

  // The column each header cell stands over, counting the row and column spans of a
  // two-row header (a group heading above its columns).
  const columnsOf = (thead) => {
    const taken = [];
    const columns = new Map();
    Array.from(thead.rows).forEach((row, rowIndex) => {
      taken[rowIndex] = taken[rowIndex] || [];
      let column = 0;
      Array.from(row.cells).forEach((cell) => {
        while (taken[rowIndex][column]) column += 1;
        columns.set(cell, column);
        for (let r = 0; r < cell.rowSpan; r += 1) {
          taken[rowIndex + r] = taken[rowIndex + r] || [];
          for (let c = 0; c < cell.colSpan; c += 1) taken[rowIndex + r][column + c] = true;
        }
        column += cell.colSpan;
      });
    });
    return columns;
  };

  const keyOf = (row, column, type) => {
    const cell = row.cells[column];
    if (!cell) return null;
    const raw = cell.dataset.sortValue ?? cell.textContent.trim();
    if (type === "number") {
      const number = Number.parseFloat(raw);
      return Number.isFinite(number) ? number : null;
    }
    return raw === "" ? null : raw;
  };

  const compare = (a, b, type) => (type === "number" ? a - b : collator.compare(a, b));

  const enhance = (table) => {
    const thead = table.tHead;
    const body = table.tBodies[0];
    if (!thead || !body) return;
    const columns = columnsOf(thead);
    const headers = Array.from(thead.querySelectorAll("th[data-sort-type]"));
    const status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    table.after(status);

    const sortBy = (header, direction) => {
      const column = columns.get(header);
      const type = header.dataset.sortType;
      const sign = direction === "ascending" ? 1 : -1;
      const rows = Array.from(body.rows).map((row, index) => ({
        row,
        index,
        key: keyOf(row, column, type),
      }));
      rows.sort((a, b) => {
        // A gap ("—") goes last either way: it is not the smallest nor the largest value.
        if (a.key === null || b.key === null) {
          if (a.key === b.key) return a.index - b.index;
          return a.key === null ? 1 : -1;
        }
        return sign * compare(a.key, b.key, type) || a.index - b.index;
      });
      body.append(...rows.map((item) => item.row));
      headers.forEach((other) => {
        if (other !== header) other.removeAttribute("aria-sort");
      });
      header.setAttribute("aria-sort", direction);
      const template = table.dataset[direction === "ascending" ? "sortedAscending" : "sortedDescending"];
      if (template) status.textContent = template.replace("{column}", header.dataset.sortLabel || header.textContent.trim());
    };

    headers.forEach((header) => {
      // The button takes the header's content, so the column's name is the button's name.
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      header.dataset.sortLabel = header.textContent.trim().replace(/\s+/g, " ");
      button.append(...header.childNodes);
      const indicator = document.createElement("span");
      indicator.className = "sort-indicator";
      indicator.setAttribute("aria-hidden", "true");
      button.append(indicator);
      header.append(button);
      button.addEventListener("click", () => {
        const now = header.getAttribute("aria-sort");
        // A first click on a number column shows the largest first: what a chair looks for.
        const first = header.dataset.sortType === "number" && header.dataset.sortFirst !== "ascending" ? "descending" : "ascending";
        const next = now === "ascending" ? "descending" : now === "descending" ? "ascending" : first;
        sortBy(header, next);
      });
    });
  };

  document.querySelectorAll("table[data-sortable]").forEach(enhance);
})();
