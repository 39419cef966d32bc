/*
 * Checklist self-assessment, kept in this browser only (localStorage).
 *
 * The answers are read from and written to localStorage under one key per
 * checklist page, and the CSV export is built in the browser. Nothing is sent
 * to the server unless a signed-in member clicks "Save my answers to my
 * account" (or loads or deletes what they saved there). Without this script the
 * page is a printable list.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-checklist]");
  if (!root) {
    return;
  }
  var storageKey = "cop:checklist:" + root.getAttribute("data-checklist");
  var items = Array.prototype.slice.call(root.querySelectorAll("[data-item]"));
  var tools = root.querySelector("[data-checklist-tools]");
  var storeError = root.querySelector("[data-checklist-store-error]");
  var storable = true;

  function load() {
    try {
      var parsed = JSON.parse(window.localStorage.getItem(storageKey) || "{}");
      return parsed && typeof parsed === "object" ? parsed : {};
    } catch (error) {
      storable = false;
      return {};
    }
  }

  function save(state) {
    try {
      if (Object.keys(state).length === 0) {
        window.localStorage.removeItem(storageKey);
      } else {
        window.localStorage.setItem(storageKey, JSON.stringify(state));
      }
    } catch (error) {
      storable = false;
    }
    storeError.hidden = storable;
  }

  function read(item) {
    var checked = item.querySelector("[data-status]:checked");
    var who = item.querySelector("[data-who]").value.trim();
    return { status: checked ? checked.value : "", who: who };
  }

  function collect() {
    var state = {};
    items.forEach(function (item) {
      var answer = read(item);
      if (answer.status || answer.who) {
        state[item.getAttribute("data-item")] = answer;
      }
    });
    return state;
  }

  function mark(state) {
    items.forEach(function (item) {
      var answer = state[item.getAttribute("data-item")] || {};
      item.setAttribute("data-assessed", answer.status || "");
    });
  }

  function apply(state) {
    items.forEach(function (item) {
      var answer = state[item.getAttribute("data-item")] || {};
      item.querySelectorAll("[data-status]").forEach(function (radio) {
        radio.checked = radio.value === answer.status;
      });
      item.querySelector("[data-who]").value =
        typeof answer.who === "string" ? answer.who : "";
    });
    mark(state);
  }

  function progress(state) {
    var counts = { assessed: 0, doing: 0, needs_work: 0, not_yet: 0 };
    Object.keys(state).forEach(function (code) {
      var status = state[code].status;
      if (Object.prototype.hasOwnProperty.call(counts, status)) {
        counts[status] += 1;
        counts.assessed += 1;
      }
    });
    Object.keys(counts).forEach(function (name) {
      var target = root.querySelector('[data-count="' + name + '"]');
      if (target) {
        target.textContent = String(counts[name]);
      }
    });
    root.querySelector("[data-checklist-bar]").value = counts.assessed;
  }

  function changed() {
    var state = collect();
    save(state);
    mark(state);
    progress(state);
  }

  function csvCell(text) {
    var value = String(text);
    // A spreadsheet would run a cell starting like a formula.
    if (/^[=+\-@\t\r]/.test(value)) {
      value = "'" + value;
    }
    return '"' + value.replace(/"/g, '""') + '"';
  }

  function statusLabel(item) {
    var checked = item.querySelector("[data-status]:checked");
    return checked ? checked.parentElement.textContent.trim() : "";
  }

  function exportCsv() {
    var rows = [["Code", "Priority", "Item", "Where we stand", "Who will"]];
    items.forEach(function (item) {
      var title = item.querySelector(".checklist-item__title").cloneNode(true);
      var code = title.querySelector(".code");
      if (code) {
        code.remove();
      }
      rows.push([
        item.getAttribute("data-item"),
        item.getAttribute("data-priority"),
        title.textContent.trim(),
        statusLabel(item),
        item.querySelector("[data-who]").value.trim(),
      ]);
    });
    var text = rows.map(function (row) {
      return row.map(csvCell).join(",");
    }).join("\r\n");
    var blob = new Blob(["\ufeff" + text + "\r\n"], { type: "text/csv;charset=utf-8" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = root.getAttribute("data-checklist").split(":")[1] + "-self-assessment.csv";
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(function () {
      URL.revokeObjectURL(link.href);
    }, 1000);
  }

  root.addEventListener("change", function (event) {
    if (event.target.matches("[data-status], [data-who]")) {
      changed();
    }
  });
  root.addEventListener("input", function (event) {
    if (event.target.matches("[data-who]")) {
      changed();
    }
  });
  root.querySelector("[data-checklist-export]").addEventListener("click", exportCsv);
  root.querySelector("[data-checklist-print]").addEventListener("click", function () {
    window.print();
  });
  root.querySelector("[data-checklist-clear]").addEventListener("click", function () {
    apply({});
    save({});
    progress({});
  });

  var account = root.querySelector("[data-checklist-account]");
  if (account) {
    var status = account.querySelector("[data-checklist-account-status]");
    var token = account.querySelector("input[name=csrfmiddlewaretoken]").value;

    var say = function (name, detail) {
      status.textContent = detail || account.getAttribute("data-msg-" + name);
    };

    var send = function (url, body) {
      return window.fetch(url, {
        method: body ? "POST" : "GET",
        credentials: "same-origin",
        headers: { "X-CSRFToken": token, Accept: "application/json" },
        body: body || null,
      }).then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) {
            throw new Error(data.error || "");
          }
          return data;
        });
      });
    };

    var failed = function (error) {
      say("failed", error && error.message ? error.message : "");
    };

    account.querySelector("[data-checklist-save]").addEventListener("click", function () {
      var body = new FormData();
      body.append("answers", JSON.stringify(collect()));
      send(account.getAttribute("data-answers-url"), body).then(function (data) {
        say(data.saved ? "saved" : "none");
      }, failed);
    });
    account.querySelector("[data-checklist-load]").addEventListener("click", function () {
      send(account.getAttribute("data-answers-url")).then(function (data) {
        if (!data.answers) {
          say("none");
          return;
        }
        apply(data.answers);
        save(data.answers);
        progress(data.answers);
        say("loaded");
      }, failed);
    });
    account.querySelector("[data-checklist-delete]").addEventListener("click", function () {
      send(account.getAttribute("data-delete-url"), new FormData()).then(function (data) {
        say(data.deleted ? "deleted" : "none");
      }, failed);
    });
  }

  var initial = load();
  apply(initial);
  progress(initial);
  storeError.hidden = storable;
  tools.hidden = false;
  var nojs = root.querySelector("[data-checklist-nojs]");
  if (nojs) {
    nojs.hidden = true;
  }
})();
