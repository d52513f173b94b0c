// Place picker: turns the "find the place by name" search of a grant form
// into a combobox (WAI-ARIA 1.2, list autocomplete) that suggests the
// organisation's units as you type. Choosing one checks its radio button in
// the grant form (adding it when the server's list lacks it). Without
// script, the search form lists the matches as radio buttons instead.
(function () {
  "use strict";
  var input = document.querySelector("input[data-place-search]");
  if (!input || !window.fetch) return;
  var fieldset = document.querySelector("fieldset.places");
  if (!fieldset) return;
  var url = input.getAttribute("data-place-search");
  var wrap = document.createElement("div");
  wrap.className = "combo";
  input.parentNode.insertBefore(wrap, input);
  wrap.appendChild(input);
  var list = document.createElement("ul");
  list.id = input.id + "-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Places matching what you typed");
  list.hidden = true;
  wrap.appendChild(list);
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  wrap.appendChild(status);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("autocomplete", "off");
  var items = [], active = -1, timer = null, seq = 0, chosenAt = 0;
  // Enter that chose a suggestion must not also submit the search form
  // (some key events arrive as a separate keypress).
  if (input.form) {
    input.form.addEventListener("submit", function (e) {
      if (Date.now() - chosenAt < 1000) e.preventDefault();
    });
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }
  function mark(i) {
    active = i;
    for (var k = 0; k < list.children.length; k++) {
      list.children[k].setAttribute("aria-selected", k === i ? "true" : "false");
    }
    if (i >= 0) input.setAttribute("aria-activedescendant", list.children[i].id);
    else input.removeAttribute("aria-activedescendant");
  }
  function choose(i) {
    var u = items[i];
    if (!u) return;
    var id = "g-unit-" + u.id;
    var radio = document.getElementById(id);
    if (!radio) {
      var div = document.createElement("div");
      radio = document.createElement("input");
      radio.type = "radio"; radio.name = "unit"; radio.value = String(u.id); radio.id = id;
      var label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = u.label;
      div.appendChild(radio); div.appendChild(label);
      fieldset.appendChild(div);
    }
    radio.checked = true;
    chosenAt = Date.now();
    input.value = u.name;
    close();
    status.textContent = u.label + " chosen.";
  }
  function show(units) {
    items = units;
    list.textContent = "";
    units.forEach(function (u, i) {
      var li = document.createElement("li");
      li.id = list.id + "-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.textContent = u.label;
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
      list.appendChild(li);
    });
    list.hidden = units.length === 0;
    input.setAttribute("aria-expanded", units.length ? "true" : "false");
    status.textContent = units.length === 1 ? "1 place found." : units.length + " places found.";
    active = -1;
  }
  function search() {
    var q = input.value.trim();
    if (q.length < 2) { close(); return; }
    var mine = ++seq;
    fetch(url + "?q=" + encodeURIComponent(q), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (body) { if (mine === seq) show(body.items || []); })
      .catch(function () { close(); });
  }
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 200); });
  input.addEventListener("keydown", function (e) {
    if (list.hidden) return;
    if (e.key === "ArrowDown") { e.preventDefault(); mark(Math.min(active + 1, items.length - 1)); }
    else if (e.key === "ArrowUp") { e.preventDefault(); mark(Math.max(active - 1, 0)); }
    else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(active); }
    else if (e.key === "Escape") { e.preventDefault(); close(); }
  });
  input.addEventListener("blur", close);
})();
