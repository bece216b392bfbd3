// Portico's own script: the menu button on narrow screens, and the service worker that lets the
// installed portal open offline. Everything else is server-rendered (and htmx).
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".menu-button");
    if (!button) return;
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
  });

  function showMenuButton() {
    document.querySelectorAll(".menu-button").forEach(function (b) { b.hidden = false; });
  }
  document.addEventListener("DOMContentLoaded", showMenuButton);
  document.addEventListener("htmx:afterSettle", showMenuButton);

  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/service-worker.js").catch(function () {});
  }
})();
