// Sammen: the little the pages need beyond htmx. No inline scripts, so CSP script-src 'self' holds.
(function () {
  "use strict";

  function sendErrorNote(event) {
    var elt = event.detail && event.detail.elt;
    var form = elt && elt.closest ? elt.closest("form[data-send-error]") : null;
    return form ? form.querySelector(".send-error") : null;
  }

  // A failed send keeps the text in the box and says so; the next try hides the note again.
  function showSendError(event) {
    var note = sendErrorNote(event);
    if (note) note.hidden = false;
  }

  document.addEventListener("htmx:sendError", showSendError);
  document.addEventListener("htmx:responseError", showSendError);
  document.addEventListener("htmx:timeout", showSendError);
  document.addEventListener("htmx:beforeRequest", function (event) {
    var note = sendErrorNote(event);
    if (note) note.hidden = true;
  });

  // The community-house tablet: after a while without a touch, ask, count down, then sign out.
  // Boosted navigation swaps the body, so the bar is looked up afresh on every tick.
  function watchSharedDevice() {
    var lastTouch = Date.now();
    var lastPing = Date.now();

    function part(selector) {
      return document.querySelector(".shared-device " + selector);
    }

    function tellServer() {
      var bar = document.querySelector(".shared-device");
      if (!bar) return;
      lastPing = Date.now();
      var request = new XMLHttpRequest();
      request.open("POST", bar.getAttribute("data-still-here"));
      request.setRequestHeader("X-CSRFToken", bar.getAttribute("data-csrf"));
      request.send();
    }

    function touched(event) {
      var dialog = part(".shared-device__warning");
      if (dialog && !dialog.hidden && event && dialog.contains(event.target)) return;
      lastTouch = Date.now();
      if (dialog) dialog.hidden = true;
      // The server has its own idle clock: keep it in step, but not on every tap.
      if (Date.now() - lastPing > 10000) tellServer();
    }

    function tick() {
      var bar = document.querySelector(".shared-device");
      if (!bar) return;  // signed out
      var idle = parseInt(bar.getAttribute("data-idle-seconds"), 10) * 1000;
      var warning = parseInt(bar.getAttribute("data-warning-seconds"), 10) * 1000;
      var left = idle - (Date.now() - lastTouch);
      if (left <= 0) {
        part(".shared-device__done").submit();
        return;
      }
      var dialog = part(".shared-device__warning");
      if (left <= warning) {
        part(".shared-device__seconds").textContent = String(Math.ceil(left / 1000));
        if (dialog.hidden) {
          dialog.hidden = false;
          part(".shared-device__stay").focus();
        }
      } else if (!dialog.hidden) {
        dialog.hidden = true;
      }
      window.setTimeout(tick, 1000);
    }

    document.addEventListener("click", function (event) {
      if (event.target.closest && event.target.closest(".shared-device__stay")) {
        lastTouch = Date.now();
        part(".shared-device__warning").hidden = true;
        tellServer();
      }
    });
    ["pointerdown", "keydown", "scroll", "input"].forEach(function (name) {
      document.addEventListener(name, touched, { passive: true, capture: true });
    });
    window.setTimeout(tick, 1000);
  }

  // The timeline poll: while the tab is hidden, ask at most once a minute (a phone in a pocket costs
  // neither data nor battery); when it is shown again, ask at once.
  var HIDDEN_POLL_MS = 60000;
  var lastHiddenPoll = 0;
  document.addEventListener("htmx:confirm", function (event) {
    if (!event.target || event.target.id !== "timeline-poll" || !document.hidden) return;
    if (Date.now() - lastHiddenPoll < HIDDEN_POLL_MS) {
      event.preventDefault();
      return;
    }
    lastHiddenPoll = Date.now();
  });
  document.addEventListener("visibilitychange", function () {
    var poller = document.getElementById("timeline-poll");
    if (!document.hidden && poller && window.htmx) window.htmx.trigger(poller, "poll-now");
  });

  // Print buttons need JavaScript, so they stay hidden without it (the browser's own menu prints).
  function showPrintButtons() {
    document.querySelectorAll("[data-print]").forEach(function (button) { button.hidden = false; });
  }
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) window.print();
  });
  document.addEventListener("htmx:afterSettle", showPrintButtons);
  document.addEventListener("DOMContentLoaded", function () {
    showPrintButtons();
    if (document.querySelector(".shared-device")) watchSharedDevice();
  });
})();
