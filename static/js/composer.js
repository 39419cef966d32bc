// The composer: a formatting toolbar, @ mention suggestions, drafts kept in this
// browser, and the topic form's fields shown for the chosen type.
//
// Everything here is optional: without JavaScript the text area, the "Preview"
// button (a form submit the server answers) and every field still work, and the
// server validates whatever is sent.
(function () {
  "use strict";

  var DRAFT_PREFIX = "cop-draft:";

  // ------------------------------------------------------------------ toolbar
  var TOOLS = [
    { label: "Bold", before: "**", after: "**", sample: "bold text" },
    { label: "Italic", before: "*", after: "*", sample: "italic text" },
    { label: "Link", before: "[", after: "](https://)", sample: "link text" },
    { label: "Quote", line: "> " },
    { label: "Code", before: "`", after: "`", sample: "code" },
    { label: "List", line: "- " }
  ];

  function changed(area) {
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function applyTool(area, tool) {
    var start = area.selectionStart;
    var end = area.selectionEnd;
    var text = area.value;
    var chosen = text.slice(start, end);
    var replacement;
    if (tool.line) {
      var lineStart = text.lastIndexOf("\n", start - 1) + 1;
      var block = text.slice(lineStart, end);
      replacement = block.split("\n").map(function (line) { return tool.line + line; }).join("\n");
      area.setRangeText(replacement, lineStart, end, "end");
    } else {
      var inner = chosen || tool.sample;
      area.setRangeText(tool.before + inner + tool.after, start, end, "select");
      area.setSelectionRange(start + tool.before.length, start + tool.before.length + inner.length);
    }
    area.focus();
    changed(area);
  }

  function addToolbar(composer, area) {
    var bar = document.createElement("div");
    bar.className = "composer__toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "Formatting");
    bar.setAttribute("aria-controls", area.id);
    TOOLS.forEach(function (tool) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "composer__tool";
      button.textContent = tool.label;
      button.addEventListener("click", function () { applyTool(area, tool); });
      bar.appendChild(button);
    });
    area.insertAdjacentElement("beforebegin", bar);
  }

  // ------------------------------------------------------------------ mentions
  function mentionAtCaret(area) {
    var before = area.value.slice(0, area.selectionStart);
    var match = /(^|[\s(])@([^\s@"\[\]]{2,40})$/.exec(before);
    return match ? { query: match[2], start: area.selectionStart - match[2].length - 1 } : null;
  }

  function addMentions(composer, area) {
    var url = composer.dataset.mentionsUrl;
    if (!url || !window.fetch) {
      return;
    }
    var list = document.createElement("ul");
    list.className = "composer__mentions";
    list.id = area.id + "-mentions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Members who can read this");
    list.hidden = true;
    area.insertAdjacentElement("afterend", list);
    area.setAttribute("aria-autocomplete", "list");
    area.setAttribute("aria-controls", list.id);
    var active = -1;
    var current = null;
    var pending = 0;

    function close() {
      list.hidden = true;
      list.textContent = "";
      active = -1;
      area.removeAttribute("aria-activedescendant");
    }

    function choose(name) {
      if (!current) {
        return;
      }
      var text = /\s/.test(name) ? '@"' + name + '" ' : "@" + name + " ";
      area.setRangeText(text, current.start, area.selectionStart, "end");
      close();
      area.focus();
      changed(area);
    }

    function highlight(index) {
      var items = list.querySelectorAll("li");
      items.forEach(function (item, i) {
        item.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (items[index]) {
        area.setAttribute("aria-activedescendant", items[index].id);
      }
    }

    function show(names) {
      list.textContent = "";
      names.forEach(function (name, i) {
        var item = document.createElement("li");
        item.id = list.id + "-" + i;
        item.setAttribute("role", "option");
        item.textContent = name;
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(name);
        });
        list.appendChild(item);
      });
      list.hidden = names.length === 0;
      highlight(names.length ? 0 : -1);
    }

    area.addEventListener("input", function () {
      current = mentionAtCaret(area);
      if (!current) {
        close();
        return;
      }
      var ticket = ++pending;
      var sep = url.indexOf("?") === -1 ? "?" : "&";
      fetch(url + sep + "q=" + encodeURIComponent(current.query), {
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      })
        .then(function (response) { return response.ok ? response.json() : { names: [] }; })
        .then(function (data) {
          if (ticket === pending && current) {
            show(data.names || []);
          }
        })
        .catch(close);
    });

    area.addEventListener("keydown", function (event) {
      if (list.hidden) {
        return;
      }
      var count = list.children.length;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight((active + 1) % count);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight((active - 1 + count) % count);
      } else if (event.key === "Enter" || event.key === "Tab") {
        if (active >= 0) {
          event.preventDefault();
          choose(list.children[active].textContent);
        }
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    area.addEventListener("blur", function () { window.setTimeout(close, 150); });
  }

  // ------------------------------------------------------------------ drafts
  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null;
    }
  }

  function addDraft(composer, area) {
    var key = composer.dataset.draftKey;
    var store = storage();
    if (!key || !store) {
      return;
    }
    key = DRAFT_PREFIX + key;
    var form = area.form;
    var title = form && form.elements.namedItem("title");
    var saved = null;
    try {
      saved = JSON.parse(store.getItem(key) || "null");
    } catch (error) {
      saved = null;
    }
    if (saved && !area.value.trim() && saved.body) {
      area.value = saved.body;
      if (title && !title.value && saved.title) {
        title.value = saved.title;
      }
      var note = document.createElement("p");
      note.className = "composer__draft field__help";
      note.textContent = "Your unsent draft was restored from this browser.";
      area.insertAdjacentElement("afterend", note);
    }
    var timer = 0;
    function save() {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        if (area.value.trim()) {
          store.setItem(key, JSON.stringify({ body: area.value, title: title ? title.value : "" }));
        } else {
          store.removeItem(key);
        }
      }, 400);
    }
    area.addEventListener("input", save);
    if (title) {
      title.addEventListener("input", save);
    }
    if (form) {
      form.addEventListener("submit", function (event) {
        // Only the real submit clears the draft, not "Preview" or "similar topics".
        var submitter = event.submitter;
        if (!submitter || (!submitter.name || submitter.name === "")) {
          window.clearTimeout(timer);
          store.removeItem(key);
        }
      });
    }
  }

  // ------------------------------------------------------------------ topic type
  function toggleKindFields(form) {
    var kind = form.elements.namedItem("kind");
    var groups = form.querySelectorAll("[data-kinds]");
    if (!kind || !groups.length) {
      return;
    }
    function update() {
      groups.forEach(function (group) {
        var shown = group.dataset.kinds.split(" ").indexOf(kind.value) !== -1;
        group.hidden = !shown;
        // Hidden fields are not sent, so a value left in one never surprises.
        group.disabled = !shown;
      });
    }
    kind.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".composer").forEach(function (composer) {
      var area = document.getElementById(composer.dataset.textarea);
      if (!area) {
        return;
      }
      addToolbar(composer, area);
      addMentions(composer, area);
      addDraft(composer, area);
    });
    document.querySelectorAll("form.discussion-form").forEach(toggleKindFields);
  });
})();
