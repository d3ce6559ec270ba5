// Posts: likes without reload, "Load more" on scroll, @mention and tag suggestions.
// Progressive enhancement: every form and link works without this script.
(function () {
  "use strict";
  var script = document.currentScript;
  var peopleUrl = script && script.dataset.peopleUrl;
  var tagsUrl = script && script.dataset.tagsUrl;

  function csrfToken(form) {
    var input = form.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  // --- Likes ------------------------------------------------------------------------
  function liveRegion() {
    var region = document.getElementById("posts-live");
    if (!region) {
      region = document.createElement("p");
      region.id = "posts-live";
      region.className = "visually-hidden";
      region.setAttribute("aria-live", "polite");
      document.body.appendChild(region);
    }
    return region;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-like-form]")) { return; }
    event.preventDefault();
    var button = form.querySelector("button");
    var wanted = form.querySelector('input[name="liked"]');
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken(form) }
    })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (result) {
        if (!result.ok) {
          liveRegion().textContent = result.data.error || "";
          return;
        }
        var liked = result.data.liked;
        button.setAttribute("aria-pressed", liked ? "true" : "false");
        var label = liked ? button.dataset.labelLiked : button.dataset.labelLike;
        if (label) { button.textContent = label; }
        wanted.value = liked ? "0" : "1";
        var count = form.parentNode.querySelector("[data-like-count]");
        if (count) { count.textContent = String(result.data.count); }
        liveRegion().textContent = (button.dataset.labelCount || "") + result.data.count;
      })
      .catch(function () { form.submit(); })
      .then(function () { button.disabled = false; });
  });

  // --- The "…" menu of a card: copy the link (menus close in site.js) ---------------
  document.addEventListener("click", function (event) {
    var copy = event.target.closest && event.target.closest("a[data-copy-link]");
    if (!copy || !navigator.clipboard || !window.isSecureContext) { return; }
    event.preventDefault();
    navigator.clipboard.writeText(copy.href).then(function () {
      liveRegion().textContent = copy.dataset.copied || "";
    });
    var menu = copy.closest("details");
    if (menu) { menu.open = false; menu.querySelector("summary").focus(); }
  });

  // --- The composer, one line until opened: opening it puts the caret in the text ----
  document.querySelectorAll("details.composer").forEach(function (composer) {
    composer.addEventListener("toggle", function () {
      var field = composer.open && composer.querySelector("textarea");
      if (field && document.activeElement !== field) { field.focus(); }
    });
  });

  // --- Load more (click, or automatically when the link scrolls into view) ----------
  function loadMore(link) {
    if (link.dataset.loading) { return; }
    link.dataset.loading = "1";
    var row = link.closest("[data-load-more-row]");
    var stream = link.closest("[data-stream]");
    fetch(link.href, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        var template = document.createElement("template");
        template.innerHTML = html;
        var added = template.content.querySelectorAll("article.post").length;
        row.replaceWith(template.content);
        var status = stream && stream.parentNode.querySelector("[data-stream-status]");
        if (status) { status.textContent = status.dataset.loaded ? status.dataset.loaded.replace("{count}", added) : String(added); }
        watch();
      })
      .catch(function () { window.location.href = link.href; });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-load-more]");
    if (!link) { return; }
    event.preventDefault();
    loadMore(link);
  });

  var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) { observer.unobserve(entry.target); loadMore(entry.target); }
    });
  }, { rootMargin: "200px" }) : null;

  function watch() {
    if (!observer) { return; }
    document.querySelectorAll("a[data-load-more]").forEach(function (link) {
      if (!link.dataset.watched) { link.dataset.watched = "1"; observer.observe(link); }
    });
  }
  watch();

  // --- "N new posts — show": the stream asks every 30 seconds, while the page is
  // visible, how many posts arrived since the newest one shown (ETag: 304 when the
  // answer did not change). The link reloads the stream from its top.
  document.querySelectorAll("[data-fresh-url]").forEach(function (banner) {
    var link = banner.querySelector("[data-fresh-link]");
    var last = "";
    function poll() {
      if (document.visibilityState !== "visible") { return; }
      fetch(banner.dataset.freshUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data || data.text === last) { return; }
          last = data.text;
          link.textContent = data.text;
          link.hidden = !data.count;
        })
        .catch(function () { /* offline: try again at the next tick */ });
    }
    window.setInterval(poll, Number(banner.dataset.freshEvery || 30000));
    document.addEventListener("visibilitychange", poll);
  });

  // --- Suggestions: an accessible combobox over a text field ------------------------
  var counter = 0;

  function combobox(field, options) {
    counter += 1;
    var listId = "suggestions-" + counter;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    field.insertAdjacentElement("afterend", list);
    field.setAttribute("role", "combobox");
    field.setAttribute("aria-autocomplete", "list");
    field.setAttribute("aria-expanded", "false");
    field.setAttribute("aria-controls", listId);
    var items = [];
    var active = -1;
    var timer = null;
    var lastQuery = null;

    function close() {
      list.hidden = true;
      list.replaceChildren();
      items = [];
      active = -1;
      field.setAttribute("aria-expanded", "false");
      field.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0) { field.setAttribute("aria-activedescendant", items[index].id); }
    }

    function choose(index) {
      var item = items[index];
      if (!item) { return; }
      options.insert(item.dataset.value);
      close();
      field.focus();
    }

    function show(results) {
      close();
      if (!results.length) { return; }
      results.forEach(function (result, i) {
        var item = document.createElement("li");
        item.id = listId + "-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.dataset.value = result.value;
        item.textContent = result.label;
        item.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
        list.appendChild(item);
        items.push(item);
      });
      list.hidden = false;
      field.setAttribute("aria-expanded", "true");
    }

    field.addEventListener("input", function () {
      var query = options.query();
      if (query === lastQuery) { return; }
      lastQuery = query;
      clearTimeout(timer);
      if (!query || query.length < 2) { close(); return; }
      timer = setTimeout(function () {
        fetch(options.url + "?q=" + encodeURIComponent(query), {
          headers: { "Accept": "application/json" }, credentials: "same-origin"
        })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) { show((data.results || []).map(options.toResult)); })
          .catch(close);
      }, 200);
    });

    field.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight((active + 1) % items.length); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active <= 0 ? items.length - 1 : active - 1); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(active); }
      else if (event.key === "Escape") { event.preventDefault(); close(); }
    });
    field.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  // @mentions in a textarea: the word being typed right before the caret.
  function mentionAt(field) {
    var before = field.value.slice(0, field.selectionStart);
    var match = /(^|[\s(])@([\w.+-]*)$/.exec(before);
    return match ? { start: before.length - match[2].length, text: match[2] } : null;
  }

  if (peopleUrl) {
    document.querySelectorAll("textarea[data-mentions]").forEach(function (field) {
      combobox(field, {
        url: peopleUrl,
        query: function () { var m = mentionAt(field); return m ? m.text : ""; },
        toResult: function (p) { return { value: p.username, label: p.name + " (@" + p.username + ")" }; },
        insert: function (username) {
          var m = mentionAt(field);
          if (!m) { return; }
          var caret = field.selectionStart;
          field.value = field.value.slice(0, m.start) + username + " " + field.value.slice(caret);
          var position = m.start + username.length + 1;
          field.setSelectionRange(position, position);
        }
      });
    });
  }

  // Tags: the last comma-separated entry.
  if (tagsUrl) {
    document.querySelectorAll("input[data-tags]").forEach(function (field) {
      combobox(field, {
        url: tagsUrl,
        query: function () { var parts = field.value.split(","); return parts[parts.length - 1].trim(); },
        toResult: function (name) { return { value: name, label: "#" + name }; },
        insert: function (name) {
          var parts = field.value.split(",");
          parts[parts.length - 1] = (parts.length > 1 ? " " : "") + name;
          field.value = parts.join(",") + ", ";
        }
      });
    });
  }
})();
