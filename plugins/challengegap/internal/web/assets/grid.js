// Challenge the Gap: the snapshot grid's progressive enhancement. Pasting a
// block copied from a spreadsheet (tab-separated cells, one line a pupil)
// into any field of the grid fills the fields from there rightwards and
// downwards; levels match an option's value or words ("below", "At").
// Changing a level updates its badge. Without this file the grid is an
// ordinary form. Served from the plugin's own origin: no inline script.
(function () {
  "use strict";
  var grid = document.querySelector("[data-paste-grid]");
  if (!grid) {
    return;
  }
  var status = document.getElementById("paste-status");
  var rows = Array.prototype.slice.call(grid.querySelectorAll("tbody tr"));
  var badges = {
    below: ["ui-badge ui-tone-warning", "\u25BC Below"],
    at: ["ui-badge ui-tone-success", "\u25CF At"],
    above: ["ui-badge ui-tone-success", "\u25B2 Above"]
  };

  function fields(tr) {
    return Array.prototype.slice.call(tr.querySelectorAll("input[name], select[name]"));
  }

  function choose(select, text) {
    var t = text.trim().toLowerCase();
    if (t === "" || t === "\u2014" || t === "-") {
      select.value = "";
      return true;
    }
    for (var i = 0; i < select.options.length; i++) {
      var o = select.options[i];
      if (o.value.toLowerCase() === t || o.text.trim().toLowerCase() === t) {
        select.value = o.value;
        return true;
      }
    }
    return false;
  }

  function showBadge(select) {
    var badge = select.parentNode.querySelector("[data-are-badge]");
    if (!badge) {
      return;
    }
    var b = badges[select.value];
    badge.hidden = !b;
    if (b) {
      badge.className = b[0];
      badge.textContent = b[1];
    }
  }

  grid.addEventListener("change", function (e) {
    if (e.target.tagName === "SELECT") {
      showBadge(e.target);
    }
  });

  grid.addEventListener("paste", function (e) {
    var target = e.target;
    if (!target.matches || !target.matches("input[name], select[name]")) {
      return;
    }
    var text = (e.clipboardData || window.clipboardData).getData("text");
    if (text.indexOf("\t") < 0 && text.indexOf("\n") < 0) {
      return; // one value: the browser pastes it as usual
    }
    e.preventDefault();
    var lines = text.replace(/\r\n?/g, "\n").replace(/\n+$/, "").split("\n");
    var r0 = rows.indexOf(target.closest("tr"));
    var c0 = fields(rows[r0]).indexOf(target);
    var filled = 0, refused = 0, pupils = 0;
    lines.forEach(function (line, i) {
      var row = rows[r0 + i];
      if (!row) {
        refused += line.split("\t").length;
        return;
      }
      pupils++;
      var fs = fields(row);
      line.split("\t").forEach(function (value, j) {
        var f = fs[c0 + j];
        if (!f) {
          refused++;
          return;
        }
        if (f.tagName === "SELECT") {
          if (!choose(f, value)) {
            refused++;
            return;
          }
          showBadge(f);
        } else {
          f.value = value.trim();
        }
        filled++;
      });
    });
    status.textContent = "Pasted " + filled + " values for " + pupils + (pupils === 1 ? " pupil" : " pupils") +
      (refused ? "; " + refused + " did not fit the grid and were left out" : "") + ". Check them, then save the snapshot.";
  });
})();
