// The header's menus and the notifications panel.
//
// Without this file everything still works: the <details> menus open and close on
// their summary, and the notifications link opens the full page. With it, open menus
// close on Escape or a click elsewhere, and the panel htmx fills in place can be
// closed the same way (a second click on the link closes it instead of reloading).
(function () {
  "use strict";

  function panel() {
    return document.getElementById("notifications-panel");
  }

  function toggle() {
    return document.getElementById("notifications-toggle");
  }

  function closePanel(returnFocus) {
    var box = panel();
    var link = toggle();
    if (!box || box.hidden) {
      return;
    }
    box.hidden = true;
    if (link) {
      link.setAttribute("aria-expanded", "false");
      if (returnFocus) {
        link.focus();
      }
    }
  }

  function closeMenus(except) {
    document.querySelectorAll("details.header-menu[open]").forEach(function (menu) {
      if (menu !== except) {
        menu.open = false;
      }
    });
  }

  document.addEventListener("htmx:confirm", function (event) {
    // A click on the link while the panel is open closes it (no request).
    if (event.target === toggle() && !panel().hidden) {
      event.preventDefault();
      closePanel(false);
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var box = panel();
    if (event.target !== box) {
      return;
    }
    closeMenus(null);
    box.hidden = false;
    toggle().setAttribute("aria-expanded", "true");
    var heading = box.querySelector("[tabindex='-1']");
    if (heading) {
      heading.focus();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var open = document.querySelector("details.header-menu[open]");
    if (open) {
      open.open = false;
      open.querySelector("summary").focus();
    }
    var box = panel();
    if (box && !box.hidden) {
      closePanel(box.contains(document.activeElement));
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    var inMenu = target.closest ? target.closest("details.header-menu") : null;
    closeMenus(inMenu);
    var box = panel();
    if (box && !box.hidden && !box.contains(target) && !toggle().contains(target)) {
      closePanel(false);
    }
  });

  document.addEventListener("toggle", function (event) {
    // Opening one menu closes the other and the panel.
    var menu = event.target;
    if (menu.matches && menu.matches("details.header-menu") && menu.open) {
      closeMenus(menu);
      closePanel(false);
    }
  }, true);
})();
