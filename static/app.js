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
})();
