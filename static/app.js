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

  // A table wider than the screen scrolls sideways inside itself (a long code sample, downwards);
  // the keyboard must reach it too, so one that scrolls (and has nothing focusable inside) becomes
  // a focusable, named region.
  var SCROLLERS = ".table, .payments-table, .demand-table-wrap, .judging-table-wrap, .my-challenges-wrap, pre";
  function keyboardScrollable(root) {
    root.querySelectorAll(SCROLLERS).forEach(function (el) {
      var scrolls = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
      var focusable = el.querySelector("a[href], button, input, select, textarea, [tabindex]");
      if (scrolls && !focusable && !el.hasAttribute("tabindex")) {
        var section = el.closest("section[aria-labelledby]");
        var heading = section && document.getElementById(section.getAttribute("aria-labelledby"));
        el.setAttribute("tabindex", "0");
        el.setAttribute("role", "region");
        el.setAttribute("aria-label", (heading ? heading.textContent.trim() + ": " : "") + "scrolls");
        el.setAttribute("data-made-scrollable", "");
      } else if (!scrolls && el.hasAttribute("data-made-scrollable")) {
        ["tabindex", "role", "aria-label", "data-made-scrollable"].forEach(function (name) { el.removeAttribute(name); });
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { keyboardScrollable(document); });
  document.addEventListener("htmx:afterSwap", function (event) { keyboardScrollable(event.target); });
  window.addEventListener("resize", function () { keyboardScrollable(document); });

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

  // ---- Refusals beside the control that asked ------------------------------------------------
  // The server answers an htmx request's errors as JSON ({"error": {"message"}}); the message
  // goes into the error slot ([data-error-slot]) of the control's scope ([data-error-scope], else
  // its form), made after the control when it has none. A route that answers a refusal with an
  // HTML fragment (the control re-rendered with its message) has that fragment swapped instead.
  // Polls (hx-trigger "every ...") have no control: their errors go to the messages at the top.
  function errorSlot(elt) {
    var scope = elt.closest("[data-error-scope]") || elt.closest("form") || elt;
    var slot = scope.querySelector("[data-error-slot]");
    if (!slot) {
      slot = document.createElement("p");
      slot.className = "control-error";
      slot.setAttribute("role", "alert");
      slot.setAttribute("data-error-slot", "");
      scope.after(slot);
    }
    return slot;
  }
  function flash(message) {
    var box = document.getElementById("flashes");
    if (!box) { return; }
    var same = Array.prototype.some.call(box.querySelectorAll(".flash-error"), function (el) {
      return el.textContent === message;
    });
    if (same) { return; }
    var div = document.createElement("div");
    div.className = "flash flash-error";
    div.setAttribute("role", "alert");
    div.textContent = message;
    box.appendChild(div);
  }
  function refused(elt, message) {
    if (!elt || !document.body.contains(elt) || /\bevery\b/.test(elt.getAttribute("hx-trigger") || "")) {
      flash(message);
      return;
    }
    errorSlot(elt).textContent = message;
  }
  function messageOf(xhr) {
    try { return JSON.parse(xhr.responseText).error.message || null; } catch (e) { return null; }
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt, scope = elt.closest("[data-error-scope]") || elt.closest("form") || elt;
    var slot = scope.querySelector("[data-error-slot]") ||
      (scope.nextElementSibling && scope.nextElementSibling.matches("[data-error-slot]") ? scope.nextElementSibling : null);
    if (slot) { slot.textContent = ""; }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status >= 400 && xhr.status < 500 && /^text\/html/.test(xhr.getResponseHeader("Content-Type") || "")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // The wait a 429 asks for (its Retry-After, in seconds), in words: "42 seconds", "3 minutes".
  function waitOf(xhr) {
    var seconds = parseInt(xhr.getResponseHeader("Retry-After") || "", 10), count, unit;
    if (!(seconds > 0)) { return null; }
    if (seconds < 120) { count = seconds; unit = "second"; }
    else if (seconds < 7200) { count = Math.ceil(seconds / 60); unit = "minute"; }
    else { count = Math.ceil(seconds / 3600); unit = "hour"; }
    return count + " " + unit + (count === 1 ? "" : "s");
  }
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr, message = messageOf(xhr), wait;
    if (!message) {
      wait = xhr.status === 429 ? waitOf(xhr) : null;
      message = wait ? "Too many requests. Try again in " + wait + "."
        : xhr.status === 429 ? "Too many requests. Please wait a moment and try again."
        : xhr.status === 403 ? "You do not have permission to do that."
        : "Something went wrong. Please try again.";
    }
    refused(event.detail.elt, message);
  });
  document.addEventListener("htmx:sendError", function (event) {
    refused(event.detail.elt, "The server could not be reached. Check your connection and try again.");
  });

  // htmx puts focus back on the element with the same id after a swap; when that one is now
  // disabled (the last vote was used), focus goes to the message that says why, not to <body>.
  var swappedFocus = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target, active = document.activeElement;
    swappedFocus = target && target.id && active && active !== document.body && target.contains(active) ? target.id : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    var id = swappedFocus;
    swappedFocus = null;
    if (!id || (document.activeElement && document.activeElement !== document.body)) { return; }
    var root = document.getElementById(id);
    if (!root) { return; }
    var target = root.querySelector("[data-error-slot]:not(:empty)") || root.querySelector("[data-budget-note]:not([hidden])") ||
      root.querySelector("button:not([disabled]), a[href], input:not([disabled]):not([type=hidden])");
    if (!target) { return; }
    if (!target.matches("button, a[href], input")) { target.setAttribute("tabindex", "-1"); }
    target.focus();
  });

  // ---- Vote budgets ----------------------------------------------------------------------------
  // After a vote the budget line (#vote-budget) comes again out of band; the buttons of the other
  // rows that would spend a vote follow it: disabled, with their reason, while none are left.
  function syncVoteBudget() {
    var budget = document.getElementById("vote-budget");
    if (!budget || !budget.hasAttribute("data-votes-left")) { return; }
    var empty = budget.getAttribute("data-votes-left") === "0";
    document.querySelectorAll(".vote").forEach(function (widget) {
      var note = widget.querySelector("[data-budget-note]");
      widget.querySelectorAll("button[data-spends-vote]").forEach(function (button) {
        button.disabled = empty;
        if (empty && note) { button.setAttribute("aria-describedby", note.id + " vote-budget"); }
        else { button.removeAttribute("aria-describedby"); }
      });
      if (note) { note.hidden = !empty; }
    });
  }
  document.addEventListener("htmx:afterSettle", syncVoteBudget);

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
