// Small progressive enhancements. Everything works without this file; htmx adds the rest.
(function () {
  "use strict";

  // Dismiss a flash message.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-dismiss]");
    if (button) { button.parentElement.remove(); }
  });

  // Ask before destructive form posts (forms carry data-confirm="question").
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
  }, true);

  // Menus (<details data-menu>): Escape closes the open one and gives focus back to its button;
  // a click elsewhere, or opening another, closes it too.
  function closeMenus(except) {
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      if (menu !== except) { menu.removeAttribute("open"); }
    });
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var menu = document.activeElement && document.activeElement.closest("details[data-menu][open]");
    menu = menu || document.querySelector("details[data-menu][open]");
    if (!menu) { return; }
    menu.removeAttribute("open");
    menu.querySelector("summary").focus();
  });
  document.addEventListener("click", function (event) {
    closeMenus(event.target.closest("details[data-menu]"));
  });

  // Show <time data-local> in the reader's own time zone.
  function localiseTimes(root) {
    root.querySelectorAll("time[data-local]").forEach(function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (!isNaN(when)) {
        el.textContent = when.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
        el.title = el.getAttribute("datetime");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { localiseTimes(document); });
  document.addEventListener("htmx:afterSwap", function (event) { localiseTimes(event.target); });

  // htmx does not swap error responses; say something instead of failing silently.
  function flash(message) {
    var box = document.getElementById("flashes");
    if (!box) { return; }
    var div = document.createElement("div");
    div.className = "flash flash-error";
    div.setAttribute("role", "alert");
    div.textContent = message;
    box.appendChild(div);
  }
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr, message = "Something went wrong. Please try again.";
    try { message = JSON.parse(xhr.responseText).error.message || message; } catch (e) {
      if (xhr.status === 429) { message = "Too many requests. Please wait a moment and try again."; }
      if (xhr.status === 403) { message = "You do not have permission to do that."; }
    }
    flash(message);
  });
  document.addEventListener("htmx:sendError", function () {
    flash("The server could not be reached. Check your connection and try again.");
  });

  // ---- Challenges ----------------------------------------------------------------------------
  // Deadline fields are read in the poster's time zone: tell the server which one. A field that
  // already names a zone (a stored deadline, shown in UTC) keeps it.
  function fillTimeZones(root) {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    if (!zone) { return; }
    root.querySelectorAll("input[data-timezone]").forEach(function (input) {
      if (input.value) { return; }
      input.value = zone;
      var label = input.form && input.form.querySelector("[data-timezone-label]");
      if (label) { label.textContent = zone; }
    });
  }
  // Live countdowns to <span data-countdown="ISO deadline">; the server's text stands without JS.
  function countdownText(ms) {
    if (ms <= 0) { return "Closed"; }
    var s = Math.floor(ms / 1000), d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600),
        m = Math.floor(s % 3600 / 60);
    if (d >= 2) { return d + " days " + h + " h left"; }
    return (d * 24 + h) + " h " + m + " min " + (s % 60) + " s left";
  }
  function tickCountdowns() {
    var now = Date.now();
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var when = Date.parse(el.getAttribute("data-countdown"));
      if (!isNaN(when)) { el.textContent = countdownText(when - now); }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    fillTimeZones(document);
    if (document.querySelector("[data-countdown]")) { tickCountdowns(); window.setInterval(tickCountdowns, 1000); }
  });
  document.addEventListener("htmx:afterSwap", function (event) { fillTimeZones(event.target); tickCountdowns(); });
})();
