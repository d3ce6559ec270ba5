// Suggestions under the search box of the header: an ARIA 1.2 combobox with a listbox
// of people, communities and tags (progressive enhancement: without it, the box is a
// plain GET form to /search/). Arrow keys move, Enter opens, Escape closes.
(function () {
  "use strict";
  var input = document.getElementById("site-search-q");
  var list = document.getElementById("site-search-suggestions");
  var status = document.getElementById("site-search-status");
  if (!input || !list || !input.dataset.suggestUrl || !window.fetch) { return; }
  // Translated texts come from the page (data-*), the kind of each entry from the JSON.
  var noneText = input.dataset.noneText || "";
  var someText = input.dataset.someText || "";
  var timer = null;
  var lastQuery = "";
  var active = -1;
  var request = 0;

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);

  function options() { return list.querySelectorAll('[role="option"]'); }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function select(index) {
    var items = options();
    if (!items.length) { return; }
    active = (index + items.length) % items.length;
    items.forEach(function (item, i) { item.setAttribute("aria-selected", i === active ? "true" : "false"); });
    input.setAttribute("aria-activedescendant", items[active].id);
    items[active].scrollIntoView({ block: "nearest" });
  }

  function go(item) { window.location.assign(item.dataset.url); }

  function fill(data) {
    var entries = [];
    ["people", "communities", "tags"].forEach(function (kind) {
      (data[kind] || []).forEach(function (entry) { entries.push({ kind: kind, entry: entry }); });
    });
    list.replaceChildren.apply(list, entries.map(function (found, i) {
      var item = document.createElement("li");
      item.id = "site-search-option-" + i;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.dataset.url = found.entry.url;
      item.appendChild(document.createTextNode(found.entry.label + " "));
      var kind = document.createElement("span");
      kind.className = "suggestion-kind";
      kind.textContent = "— " + found.entry.kind + (found.entry.detail ? " · " + found.entry.detail : "");
      item.appendChild(kind);
      item.addEventListener("mousedown", function (event) { event.preventDefault(); go(item); });
      return item;
    }));
    active = -1;
    input.removeAttribute("aria-activedescendant");
    if (entries.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      status.textContent = someText.replace("{count}", entries.length);
    } else {
      close();
      status.textContent = noneText;
    }
  }

  function suggest() {
    var query = input.value.trim();
    if (query === lastQuery) { return; }
    lastQuery = query;
    clearTimeout(timer);
    if (query.length < 2) { close(); list.replaceChildren(); return; }
    timer = setTimeout(function () {
      var mine = ++request;
      fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(query), {
        headers: { "Accept": "application/json" }, credentials: "same-origin"
      })
        .then(function (response) { return response.ok ? response.json() : {}; })
        .then(function (data) { if (mine === request) { fill(data); } })
        .catch(function () { if (mine === request) { fill({}); } });
    }, 200);
  }

  input.addEventListener("input", suggest);
  input.addEventListener("keydown", function (event) {
    var open = !list.hidden;
    if (event.key === "ArrowDown") {
      if (!open && options().length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
      select(active + 1);
      event.preventDefault();
    } else if (event.key === "ArrowUp" && open) {
      select(active - 1);
      event.preventDefault();
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault();
      go(options()[active]);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener("blur", function () { setTimeout(close, 150); });
})();
