// Portico's own script: the menu button on narrow screens, the record pickers of forms, the
// attachment limits of file inputs, links followed at once (a sign-in handed to an identity
// provider), and the service worker that lets the installed portal open
// offline. Everything else is server-rendered (and htmx). Every form also works without it.
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

  // A page whose only way on is one link (to an identity provider) follows it at once, whether
  // it was loaded or swapped in by htmx; without script the person clicks it.
  function follow() {
    var next = document.querySelector("a[data-follow]");
    if (next) window.location.assign(next.href);
  }
  document.addEventListener("DOMContentLoaded", follow);
  document.addEventListener("htmx:afterSettle", follow);
  document.addEventListener("htmx:afterSettle", showMenuButton);

  // A file input says how large a file and how many files the server takes; a choice over that
  // is refused here, before anything is sent and with the form as typed, its message by the
  // input (the server checks again).
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches("input[type=file][data-max-bytes]")) return;
    var largest = Number(input.getAttribute("data-max-bytes"));
    var problem = "";
    if (input.files.length > Number(input.getAttribute("data-max-files"))) {
      problem = input.getAttribute("data-too-many");
    }
    Array.prototype.forEach.call(input.files, function (file) {
      if (!problem && file.size > largest) {
        problem = input.getAttribute("data-too-large").replace("%NAME%", file.name);
      }
    });
    input.setCustomValidity(problem);
    input.setAttribute("aria-invalid", problem ? "true" : "false");
    var error = document.getElementById(input.id + "-error");
    if (error) {
      error.textContent = problem;
      error.hidden = !problem;
    }
  });

  // A found person to mention: `@` and their address go into the comment at the cursor.
  document.addEventListener("click", function (event) {
    var person = event.target.closest("[data-mention]");
    if (!person) return;
    var form = person.closest("form");
    var body = form && form.querySelector("textarea[name=body]");
    if (!body) return;
    var at = body.selectionStart || body.value.length;
    var before = body.value.slice(0, at);
    var mention = (before && !/\s$/.test(before) ? " " : "") + "@" + person.getAttribute("data-mention") + " ";
    body.value = before + mention + body.value.slice(at);
    body.focus();
    body.selectionStart = body.selectionEnd = at + mention.length;
  });

  // A picker: a hidden input holds the chosen record's id, the visible one its title, and htmx
  // fills the list of matches as the user types. Typing clears the choice (the server then looks
  // the typed title up); choosing from the list sets both.
  function pickerOf(element) { return element.closest(".picker"); }
  document.addEventListener("input", function (event) {
    var picker = event.target.matches(".picker-box") && pickerOf(event.target);
    if (picker) picker.querySelector("input[type=hidden]").value = "";
  });
  document.addEventListener("click", function (event) {
    var option = event.target.closest("[data-pick]");
    if (!option) return;
    var picker = pickerOf(option);
    var box = picker.querySelector(".picker-box");
    picker.querySelector("input[type=hidden]").value = option.getAttribute("data-pick");
    box.value = option.getAttribute("data-title");
    picker.querySelector(".picker-options").replaceChildren();
    box.focus();
  });
  document.addEventListener("keydown", function (event) {
    var option = event.target.matches(".pick") && event.target;
    if (option && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      var next = event.key === "ArrowDown" ? option.nextElementSibling : option.previousElementSibling;
      (next || pickerOf(option).querySelector(".picker-box")).focus();
      event.preventDefault();
      return;
    }
    var box = event.target.matches(".picker-box") && event.target;
    if (!box) return;
    var list = pickerOf(box).querySelector(".picker-options");
    if (event.key === "ArrowDown") {
      var first = list.querySelector("[data-pick]");
      if (first) { first.focus(); event.preventDefault(); }
    } else if (event.key === "Escape") {
      list.replaceChildren();
    }
  });

  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/service-worker.js").catch(function () {});
  }
})();
