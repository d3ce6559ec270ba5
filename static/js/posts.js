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

  // --- The composer's tools: formatting, preview, draft kept across reloads ---------
  function wrap(field, before, after, placeholder) {
    var start = field.selectionStart;
    var end = field.selectionEnd;
    var chosen = field.value.slice(start, end) || placeholder || "";
    field.setRangeText(before + chosen + after, start, end, "end");
    field.setSelectionRange(start + before.length, start + before.length + chosen.length);
  }

  function prefixLines(field, prefix) {
    var value = field.value;
    var start = value.lastIndexOf("\n", field.selectionStart - 1) + 1;
    var end = field.selectionEnd;
    var lines = value.slice(start, end).split("\n").map(function (line) { return prefix + line; });
    field.setRangeText(lines.join("\n"), start, end, "end");
  }

  function format(field, kind, button) {
    field.focus();
    if (kind === "bold") { wrap(field, "**", "**"); }
    else if (kind === "italic") { wrap(field, "*", "*"); }
    else if (kind === "code") {
      var selected = field.value.slice(field.selectionStart, field.selectionEnd);
      if (selected.indexOf("\n") >= 0) { wrap(field, "\n```\n", "\n```\n"); } else { wrap(field, "`", "`"); }
    }
    else if (kind === "link") {
      var start = field.selectionStart;
      var text = field.value.slice(start, field.selectionEnd) || button.dataset.placeholder || "";
      field.setRangeText("[" + text + "](https://)", start, field.selectionEnd, "end");
      var url = start + text.length + 3;
      field.setSelectionRange(url, url + 8);
    }
    else if (kind === "list") { prefixLines(field, "- "); }
    else if (kind === "quote") { prefixLines(field, "> "); }
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function storage() {
    try { return window.localStorage; } catch (error) { return null; }
  }

  document.querySelectorAll("form[data-composer]").forEach(function (form) {
    var field = form.querySelector("textarea");
    var tags = form.querySelector("input[data-tags]");
    var tools = form.querySelector("[data-composer-tools]");
    var preview = form.querySelector("[data-composer-preview]");
    if (!field || !tools) { return; }
    tools.hidden = false;
    var fieldGroup = field.parentNode;

    // The toolbar: one tab stop, arrows move between its buttons.
    var buttons = Array.prototype.slice.call(tools.querySelectorAll("[data-format]"));
    tools.addEventListener("click", function (event) {
      var button = event.target.closest("[data-format]");
      if (button) { format(field, button.dataset.format, button); }
    });
    tools.addEventListener("keydown", function (event) {
      var index = buttons.indexOf(document.activeElement);
      if (index < 0 || (event.key !== "ArrowRight" && event.key !== "ArrowLeft")) { return; }
      event.preventDefault();
      var next = buttons[(index + (event.key === "ArrowRight" ? 1 : buttons.length - 1)) % buttons.length];
      buttons.forEach(function (b) { b.tabIndex = b === next ? 0 : -1; });
      next.focus();
    });
    field.addEventListener("keydown", function (event) {
      if (!(event.ctrlKey || event.metaKey)) { return; }
      var key = event.key.toLowerCase();
      var kind = key === "b" ? "bold" : key === "i" ? "italic" : key === "k" ? "link" : null;
      if (kind) { event.preventDefault(); format(field, kind, tools.querySelector('[data-format="' + kind + '"]')); }
    });

    // Write / Preview: the preview is rendered by the server, as it will be published.
    var tabs = tools.querySelectorAll("[data-composer-tab]");
    function showTab(which) {
      tabs.forEach(function (tab) { tab.setAttribute("aria-pressed", tab.dataset.composerTab === which ? "true" : "false"); });
      var previewing = which === "preview";
      fieldGroup.hidden = previewing;
      preview.hidden = !previewing;
      tools.querySelector(".composer-toolbar").hidden = previewing;
      if (!previewing) { field.focus(); return; }
      preview.textContent = preview.dataset.loading || "…";
      var data = new FormData();
      data.append("body", field.value);
      data.append("tags", tags ? tags.value : "");
      fetch(form.dataset.previewUrl, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(form) }
      })
        .then(function (response) {
          return response.text().then(function (text) { return { ok: response.ok, text: text }; });
        })
        .then(function (result) {
          if (result.ok) {
            preview.innerHTML = result.text;  // sanitized on the server (posts_markup)
          } else {
            preview.textContent = result.text;
          }
        })
        .catch(function () { preview.textContent = ""; });
    }
    tabs.forEach(function (tab) {
      tab.addEventListener("click", function () { showTab(tab.dataset.composerTab); });
    });

    // The draft: kept in this browser while one types, given back after a reload,
    // forgotten once published (or discarded).
    var store = storage();
    var key = form.dataset.draftKey;
    var note = form.querySelector("[data-composer-draft]");
    if (!store || !key) { return; }
    var saved = null;
    try { saved = JSON.parse(store.getItem(key) || "null"); } catch (error) { saved = null; }
    if (saved && saved.body && !field.value.trim()) {
      field.value = saved.body;
      if (tags && !tags.value) { tags.value = saved.tags || ""; }
      if (note) { note.hidden = false; }
      var composer = form.closest("details");
      if (composer) { composer.open = true; }
    }
    var timer = null;
    function save() {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (field.value.trim()) {
          store.setItem(key, JSON.stringify({ body: field.value, tags: tags ? tags.value : "" }));
        } else {
          store.removeItem(key);
        }
      }, 300);
    }
    field.addEventListener("input", save);
    if (tags) { tags.addEventListener("input", save); }
    form.addEventListener("submit", function () { clearTimeout(timer); store.removeItem(key); });
    var discard = form.querySelector("[data-composer-discard]");
    if (discard) {
      discard.addEventListener("click", function () {
        store.removeItem(key);
        field.value = "";
        if (tags) { tags.value = ""; }
        note.hidden = true;
        field.focus();
      });
    }
  });

  // --- The image viewer: a post's images one at a time, in a modal dialog ------------
  // Arrows (or a swipe on a phone) go from one to the next, Escape closes it and the
  // focus goes back to the image that opened it. Without the script, the link
  // downloads the image.
  var viewer = null;
  var shown = { links: [], index: 0, opener: null };

  function viewerText(name, fallback) {
    return (script && script.dataset[name]) || fallback;
  }

  function buildViewer() {
    viewer = document.createElement("dialog");
    viewer.className = "image-viewer";
    viewer.setAttribute("aria-label", viewerText("viewerLabel", "Image viewer"));
    var figure = document.createElement("figure");
    var image = document.createElement("img");
    image.alt = "";
    var caption = document.createElement("figcaption");
    caption.setAttribute("aria-live", "polite");
    figure.append(image, caption);
    function button(name, label, text) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "viewer-" + name;
      b.setAttribute("aria-label", label);
      b.textContent = text;
      return b;
    }
    var close = button("close", viewerText("viewerClose", "Close"), "×");
    var previous = button("previous", viewerText("viewerPrevious", "Previous image"), "‹");
    var next = button("next", viewerText("viewerNext", "Next image"), "›");
    close.addEventListener("click", function () { viewer.close(); });
    previous.addEventListener("click", function () { go(-1); });
    next.addEventListener("click", function () { go(1); });
    viewer.append(close, previous, figure, next);
    viewer.addEventListener("keydown", function (event) {
      if (event.key === "ArrowRight") { event.preventDefault(); go(1); }
      else if (event.key === "ArrowLeft") { event.preventDefault(); go(-1); }
    });
    viewer.addEventListener("click", function (event) { if (event.target === viewer) { viewer.close(); } });
    var startX = null;
    viewer.addEventListener("touchstart", function (event) { startX = event.changedTouches[0].clientX; }, { passive: true });
    viewer.addEventListener("touchend", function (event) {
      if (startX === null) { return; }
      var dx = event.changedTouches[0].clientX - startX;
      startX = null;
      if (Math.abs(dx) > 50) { go(dx < 0 ? 1 : -1); }
    });
    viewer.addEventListener("close", function () {
      if (shown.opener) { shown.opener.focus(); }
    });
    document.body.appendChild(viewer);
  }

  function go(step) {
    var count = shown.links.length;
    shown.index = (shown.index + step + count) % count;
    var link = shown.links[shown.index];
    var thumbnail = link.querySelector("img");
    var image = viewer.querySelector("img");
    image.src = link.dataset.full || link.href;
    image.alt = thumbnail ? thumbnail.alt : "";
    var position = viewerText("viewerPosition", "{index} of {count}")
      .replace("{index}", String(shown.index + 1)).replace("{count}", String(count));
    viewer.querySelector("figcaption").textContent = (thumbnail ? thumbnail.alt + " — " : "") + position;
    viewer.querySelector(".viewer-previous").hidden = count < 2;
    viewer.querySelector(".viewer-next").hidden = count < 2;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".attachment-grid a[data-viewer]");
    if (!link || !window.HTMLDialogElement || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    event.preventDefault();
    if (!viewer) { buildViewer(); }
    shown.links = Array.prototype.slice.call(link.closest(".attachment-grid").querySelectorAll("a[data-viewer]"));
    shown.index = shown.links.indexOf(link);
    shown.opener = link;
    go(0);
    viewer.showModal();
    viewer.querySelector(".viewer-close").focus();
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

  // --- Suggestions: a list under the caret, driven by the keyboard ------------------
  // A text input becomes a combobox; a textarea (which may not take that role) keeps
  // its own and points at the highlighted option with aria-activedescendant, and a
  // live region says how many suggestions came and how to choose.
  var counter = 0;
  var suggestText = script && script.dataset.suggestText;

  // Where the caret is, in pixels from the field's top left corner: a hidden copy of
  // the field, with the same font and wrapping, holds the text before the caret.
  function caretOffset(field) {
    var mirror = document.createElement("div");
    var style = window.getComputedStyle(field);
    ["boxSizing", "width", "fontFamily", "fontSize", "fontWeight", "lineHeight", "letterSpacing",
     "paddingTop", "paddingRight", "paddingBottom", "paddingLeft", "borderTopWidth",
     "borderRightWidth", "borderBottomWidth", "borderLeftWidth", "wordSpacing", "tabSize"
    ].forEach(function (name) { mirror.style[name] = style[name]; });
    mirror.style.position = "absolute";
    mirror.style.visibility = "hidden";
    mirror.style.whiteSpace = "pre-wrap";
    mirror.style.overflowWrap = "break-word";
    mirror.style.top = "0";
    mirror.style.left = "-9999px";
    mirror.textContent = field.value.slice(0, field.selectionStart);
    var mark = document.createElement("span");
    mark.textContent = "\u200b";
    mirror.appendChild(mark);
    document.body.appendChild(mirror);
    var lineHeight = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.3;
    var offset = { left: mark.offsetLeft, top: mark.offsetTop + lineHeight - field.scrollTop };
    mirror.remove();
    return offset;
  }

  function combobox(field, options) {
    counter += 1;
    var listId = "suggestions-" + counter;
    var isTextarea = field.tagName === "TEXTAREA";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggestions" + (isTextarea ? " at-caret" : "");
    list.setAttribute("role", "listbox");
    if (script && script.dataset.suggestLabel) { list.setAttribute("aria-label", script.dataset.suggestLabel); }
    list.hidden = true;
    field.insertAdjacentElement("afterend", list);
    field.parentNode.classList.add("has-suggestions");
    if (!isTextarea) {
      field.setAttribute("role", "combobox");
      field.setAttribute("aria-expanded", "false");
    }
    field.setAttribute("aria-autocomplete", "list");
    field.setAttribute("aria-controls", listId);
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    list.insertAdjacentElement("afterend", status);
    var items = [];
    var active = -1;
    var timer = null;
    var lastQuery = null;

    function close() {
      list.hidden = true;
      list.replaceChildren();
      items = [];
      active = -1;
      if (!isTextarea) { field.setAttribute("aria-expanded", "false"); }
      field.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0) {
        field.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      }
    }

    function choose(index) {
      var item = items[index];
      if (!item) { return; }
      options.insert(item.dataset.value);
      close();
      status.textContent = item.textContent;
      field.focus();
      field.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function place() {
      if (!isTextarea) { return; }
      var caret = caretOffset(field);
      var left = Math.max(0, Math.min(field.offsetLeft + caret.left, field.offsetLeft + field.clientWidth - 240));
      list.style.left = left + "px";
      list.style.top = (field.offsetTop + Math.min(caret.top, field.clientHeight) + 2) + "px";
    }

    function show(results) {
      close();
      if (!results.length) { status.textContent = ""; return; }
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
      place();
      list.hidden = false;
      if (!isTextarea) { field.setAttribute("aria-expanded", "true"); }
      highlight(0);
      if (suggestText) { status.textContent = suggestText.replace("{count}", String(results.length)); }
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
      else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) { event.preventDefault(); choose(active); }
      else if (event.key === "Escape") { event.preventDefault(); event.stopPropagation(); close(); }
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
