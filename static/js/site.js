// Every page: menus made of <details data-menu> close when one clicks elsewhere or
// presses Escape (they open and close without this script too).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      if (!menu.contains(event.target)) { menu.open = false; }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var menu = event.target.closest && event.target.closest("details[data-menu][open]");
    if (menu) { menu.open = false; menu.querySelector("summary").focus(); }
  });
})();

// Destructive actions (links marked data-confirm) lead to a confirmation page; with
// this script, the page's form is shown in a modal dialog instead (Escape or Cancel
// closes it and gives the focus back to the link).
(function () {
  "use strict";
  var dialog = null;
  var opener = null;

  function close() {
    if (dialog && dialog.open) { dialog.close(); }
  }

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-dialog-title");
    dialog.setAttribute("aria-describedby", "confirm-dialog-question");
    dialog.addEventListener("close", function () {
      if (opener) { opener.focus(); }
    });
    dialog.addEventListener("click", function (event) {
      if (event.target.closest("[data-confirm-cancel]")) { event.preventDefault(); close(); }
    });
    document.body.appendChild(dialog);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-confirm]");
    if (!link || !window.HTMLDialogElement) { return; }
    event.preventDefault();
    opener = link;
    fetch(link.href, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok || response.redirected) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html").querySelector("[data-confirm-page]");
        if (!page) { throw new Error("no confirmation"); }
        if (!dialog) { build(); }
        var title = page.querySelector("h1");
        var heading = document.createElement("h2");
        heading.id = "confirm-dialog-title";
        heading.textContent = title ? title.textContent : "";
        var question = page.querySelector("#confirm-question");
        if (question) { question.id = "confirm-dialog-question"; }
        dialog.replaceChildren(heading);
        Array.prototype.forEach.call(page.children, function (child) {
          if (child !== title) { dialog.appendChild(document.importNode(child, true)); }
        });
        dialog.showModal();
        var first = dialog.querySelector("textarea, input:not([type=hidden]), button.danger");
        if (first) { first.focus(); }
      })
      .catch(function () { window.location.href = link.href; });
  });
})();

// The unread counter of the navigation, kept up to date without a reload: a poll every
// 30 seconds while the page is visible (the server answers 304 when nothing changed).
(function () {
  "use strict";
  var bar = document.querySelector("[data-unread-url]");
  if (!bar || !window.fetch) { return; }
  var url = bar.dataset.unreadUrl;
  var last = null;

  // On the first page of the inbox, new notifications come into the list itself.
  function refreshInbox() {
    var list = document.querySelector("[data-inbox-live]");
    if (!list) { return; }
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-inbox-live]");
        if (fresh) { list.replaceChildren.apply(list, Array.prototype.slice.call(fresh.childNodes).map(function (node) { return document.importNode(node, true); })); }
      })
      .catch(function () { /* the next poll tries again */ });
  }

  function show(data) {
    if (data.label === last) { return; }
    var grew = data.count && (last === null || last === "" || Number(data.count) > Number(last));
    last = data.label;
    if (grew) { refreshInbox(); }
    document.querySelectorAll(".unread-count").forEach(function (count) {
      count.textContent = data.count ? "(" + data.label + ")" : "";
      count.hidden = !data.count;
      var link = count.closest("a");
      if (link) {
        if (data.count) { link.setAttribute("aria-label", data.name); } else { link.removeAttribute("aria-label"); }
      }
    });
    document.querySelectorAll(".tab-unread").forEach(function (box) {
      box.hidden = !data.count;
      var count = box.querySelector(".tab-count");
      if (count) { count.textContent = data.label; }
    });
  }

  function poll() {
    if (document.visibilityState !== "visible") { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { show(data); } })
      .catch(function () { /* offline: try again at the next tick */ });
  }

  var current = document.querySelector(".tab-count");
  last = current && !current.closest("[hidden]") ? current.textContent : "";
  window.setInterval(poll, 30000);
  document.addEventListener("visibilitychange", poll);
})();

// Progressive disclosure (forms marked data-disclose="<radio name>"): only the parts
// whose data-show-for lists the chosen value show; before a choice, none. Without this
// script every part shows and works.
(function () {
  "use strict";
  document.querySelectorAll("form[data-disclose]").forEach(function (form) {
    var name = form.dataset.disclose;
    var parts = form.querySelectorAll("[data-show-for]");
    function update() {
      var chosen = form.querySelector('input[name="' + name + '"]:checked');
      var value = chosen ? chosen.value : "";
      parts.forEach(function (part) {
        part.hidden = part.dataset.showFor.split(" ").indexOf(value) < 0;
      });
    }
    form.addEventListener("change", function (event) {
      if (event.target.name === name) { update(); }
    });
    update();
  });
})();
