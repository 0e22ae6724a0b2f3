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
})();
