/* The site's menu on a narrow screen (base.html, app.css "The header"): a disclosure button.

   Without this script the menu is simply shown. On a narrow screen the script shows the button
   and folds the menu; the button (its state in aria-expanded) opens and closes it, Escape closes
   it and gives the focus back to the button. On a wide screen the menu is always shown. */
(() => {
  "use strict";

  const NARROW = window.matchMedia("(max-width: 40rem)");

  function setUp() {
    const button = document.querySelector("[data-menu-toggle]");
    const menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) return;

    const open = (isOpen) => {
      button.setAttribute("aria-expanded", String(isOpen));
      menu.hidden = !isOpen;
    };
    const fit = () => {
      button.hidden = !NARROW.matches;
      open(!NARROW.matches);
    };

    button.addEventListener("click", () => open(button.getAttribute("aria-expanded") !== "true"));
    menu.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && NARROW.matches) {
        open(false);
        button.focus();
      }
    });
    NARROW.addEventListener("change", fit);
    fit();
  }

  document.addEventListener("DOMContentLoaded", setUp);
})();
