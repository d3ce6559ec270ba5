// Suggest skills of the shared vocabulary as you type (progressive enhancement:
// the inputs work without it). Fills the <datalist id="skill-suggestions">.
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.dataset.url;
  var list = document.getElementById("skill-suggestions");
  if (!url || !list) { return; }
  var timer = null;
  var lastQuery = "";

  function fill(names) {
    list.replaceChildren.apply(list, names.map(function (name) {
      var option = document.createElement("option");
      option.value = name;
      return option;
    }));
  }

  function suggest(event) {
    var query = event.target.value.trim();
    if (query === lastQuery) { return; }
    lastQuery = query;
    clearTimeout(timer);
    if (query.length < 2) { fill([]); return; }
    timer = setTimeout(function () {
      fetch(url + "?q=" + encodeURIComponent(query), {
        headers: { "Accept": "application/json" }, credentials: "same-origin"
      })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { fill(data.results || []); })
        .catch(function () { fill([]); });
    }, 200);
  }

  document.querySelectorAll('input[list="skill-suggestions"]').forEach(function (input) {
    input.addEventListener("input", suggest);
  });
})();
