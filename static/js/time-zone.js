// The time zone list: a filter box above it, and the browser's zone preselected
// when the member has not chosen one yet. Without this file the <select> with its
// regional groups still works (and browsers jump to an option as you type).
(function () {
  "use strict";

  function normalise(text) {
    return text.toLowerCase().replace(/[_/]+/g, " ");
  }

  function enhance(select) {
    if (select.dataset.browserDefault === "1" && window.Intl) {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      var option = zone && select.querySelector('option[value="' + CSS.escape(zone) + '"]');
      if (option) {
        option.selected = true;
        var note = document.createElement("p");
        note.className = "field__help";
        note.textContent = select.dataset.browserNote || "";
        if (note.textContent) {
          select.insertAdjacentElement("afterend", note);
        }
      }
    }

    var filter = document.createElement("input");
    filter.type = "search";
    filter.id = select.id + "-filter";
    filter.className = "time-zone-filter";
    filter.autocomplete = "off";
    filter.setAttribute("aria-controls", select.id);
    var label = document.createElement("label");
    label.htmlFor = filter.id;
    label.className = "time-zone-filter__label";
    label.textContent = select.dataset.filterLabel || "Find a time zone";
    select.insertAdjacentElement("beforebegin", label);
    select.insertAdjacentElement("beforebegin", filter);

    filter.addEventListener("input", function () {
      var words = normalise(filter.value).split(" ").filter(Boolean);
      var first = null;
      select.querySelectorAll("optgroup").forEach(function (group) {
        var shown = 0;
        group.querySelectorAll("option").forEach(function (option) {
          var text = normalise(group.label + " " + option.value + " " + option.textContent);
          var match = words.every(function (word) { return text.indexOf(word) !== -1; });
          option.hidden = !match;
          if (match) {
            shown += 1;
            first = first || option;
          }
        });
        group.hidden = shown === 0;
      });
      var current = select.options[select.selectedIndex];
      if (first && (!current || current.hidden)) {
        first.selected = true;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select.time-zone-select").forEach(enhance);
  });
})();
