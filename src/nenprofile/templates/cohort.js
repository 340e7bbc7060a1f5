// Sorting and filtering of the cohort report's tables: plain JavaScript, inlined in the page,
// no library and no network. Reads cell text (textContent) and data-sort only; never writes
// HTML, so nothing from the data can run.
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) {
      return "";
    }
    return cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
  }

  function isMissing(value, numeric) {
    return numeric ? isNaN(parseFloat(value)) : value === "" || value === "–" || value === "n/a";
  }

  function compareValues(a, b, numeric) {
    if (numeric) {
      return parseFloat(a) - parseFloat(b);
    }
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  }

  function sortTable(table, index, header) {
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var headers = table.tHead.rows[0].cells;
    for (var i = 0; i < headers.length; i += 1) {
      headers[i].setAttribute("aria-sort", "none");
    }
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var numeric = header.getAttribute("data-type") === "number";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var keyed = rows.map(function (row, position) {
      return { row: row, value: cellValue(row, index), position: position };
    });
    keyed.sort(function (a, b) {
      // missing values (no TMB, "–") stay last in either direction
      var aMissing = isMissing(a.value, numeric);
      var bMissing = isMissing(b.value, numeric);
      if (aMissing !== bMissing) {
        return aMissing ? 1 : -1;
      }
      var order = aMissing ? 0 : compareValues(a.value, b.value, numeric);
      if (!ascending) {
        order = -order;
      }
      return order || a.position - b.position;
    });
    var fragment = document.createDocumentFragment();
    keyed.forEach(function (item) {
      fragment.appendChild(item.row);
    });
    body.appendChild(fragment);
  }

  function makeSortable(table) {
    var headers = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(headers, function (header, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = header.textContent;
      header.textContent = "";
      header.appendChild(button);
      header.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        sortTable(table, index, header);
      });
    });
  }

  function applyFilters(form, table) {
    var selects = form.querySelectorAll("select[data-column]");
    var search = form.querySelector("input[type=search]");
    var text = search ? search.value.trim().toLowerCase() : "";
    var rows = table.tBodies[0].rows;
    var shown = 0;
    for (var r = 0; r < rows.length; r += 1) {
      var row = rows[r];
      var keep = true;
      for (var s = 0; s < selects.length && keep; s += 1) {
        var wanted = selects[s].value;
        var column = parseInt(selects[s].getAttribute("data-column"), 10);
        keep = !wanted || row.cells[column].textContent.trim() === wanted;
      }
      if (keep && text) {
        keep = row.textContent.toLowerCase().indexOf(text) !== -1;
      }
      row.hidden = !keep;
      shown += keep ? 1 : 0;
    }
    var count = form.querySelector(".row-count");
    if (count) {
      count.textContent = shown + " of " + rows.length + " rows";
    }
  }

  document.querySelectorAll("table.interactive").forEach(makeSortable);
  document.querySelectorAll("form.filters").forEach(function (form) {
    var table = document.getElementById(form.getAttribute("data-table"));
    if (!table) {
      return;
    }
    form.addEventListener("input", function () {
      applyFilters(form, table);
    });
    form.addEventListener("change", function () {
      applyFilters(form, table);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    applyFilters(form, table);
  });
})();
