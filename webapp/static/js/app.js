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

  // While the server cannot answer (a 503 while its database is away, or no answer at all), the poll asks
  // less often: twice its interval after the first failure, then twice that, up to 5 minutes; the first
  // answer that works brings back the usual pace. What is typed in the message box stays (htmx swaps no 5xx).
  var POLL_LONGEST_WAIT_MS = 300000;
  var pollWait = 0;
  var nextPoll = 0;
  document.addEventListener("htmx:confirm", function (event) {
    if (event.target && event.target.id === "timeline-poll" && Date.now() < nextPoll) event.preventDefault();
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    var xhr = event.detail && event.detail.xhr;
    if (!elt || elt.id !== "timeline-poll" || !xhr) return;
    if (xhr.status === 0 || xhr.status >= 500) {
      var interval = parseInt(elt.getAttribute("data-poll-seconds"), 10) * 1000 || 10000;
      pollWait = Math.min(Math.max(pollWait * 2, interval * 2), POLL_LONGEST_WAIT_MS);
      nextPoll = Date.now() + pollWait;
    } else {
      pollWait = 0;
      nextPoll = 0;
    }
  });

  // A link followed while the server cannot answer shows its page saying so, in the reader's language, rather
  // than nothing at all. A form sent then is not replaced: what was typed in it stays.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (detail && detail.xhr && detail.xhr.status === 503 && detail.target === document.body &&
        detail.requestConfig && detail.requestConfig.verb === "get") {
      detail.shouldSwap = true;
      detail.isError = false;
    }
  });

  // The sign-in ended (signed out in another tab, or idle) while words were in the message box: instead of
  // going to sign-in with them lost, the form takes them to the server, which keeps them for the same person
  // and sends the page to sign-in. Never into the browser's storage: phones and computers are shared.
  var keepingUnsent = false;
  document.addEventListener("htmx:beforeOnLoad", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (!xhr || xhr.status !== 401) return;
    if (keepingUnsent) {
      event.preventDefault();  // the form's own answer goes to sign-in
      return;
    }
    var form = document.querySelector("form[data-keep-unsent]");
    if (form && form.contains(event.detail.elt)) return;  // Send itself: the server kept the words already
    var box = form && form.querySelector("textarea[name=body]");
    if (!box || !box.value.trim()) return;
    event.preventDefault();
    keepingUnsent = true;
    form.setAttribute("action", form.getAttribute("data-keep-unsent"));
    form.submit();
  });

  // Read aloud with the device's own speech synthesis, in the text's language. Only voices that run on
  // the device (localService): no text leaves it. Where the device has no such voice, the button stays hidden.
  function localVoice(lang) {
    if (!("speechSynthesis" in window)) return null;
    var wanted = (lang || "").toLowerCase();
    var primary = wanted.split("-")[0];
    var voices = window.speechSynthesis.getVoices().filter(function (voice) { return voice.localService; });
    var exact = voices.filter(function (voice) { return voice.lang.toLowerCase().replace("_", "-") === wanted; });
    if (exact.length) return exact[0];
    var near = voices.filter(function (voice) { return voice.lang.toLowerCase().split(/[-_]/)[0] === primary; });
    return near.length ? near[0] : null;
  }

  function listenLanguage(button) {
    return button.getAttribute("data-lang") || document.documentElement.lang;
  }

  function showListenButtons() {
    document.querySelectorAll("[data-listen]").forEach(function (button) {
      button.hidden = !localVoice(listenLanguage(button));
    });
  }

  if ("speechSynthesis" in window) {
    window.speechSynthesis.addEventListener("voiceschanged", showListenButtons);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-listen]");
    if (!button) return;
    var target = document.getElementById(button.getAttribute("data-listen"));
    var voice = localVoice(listenLanguage(button));
    if (!target || !voice) return;
    window.speechSynthesis.cancel();
    var utterance = new SpeechSynthesisUtterance(target.textContent.trim());
    utterance.voice = voice;
    utterance.lang = voice.lang;
    window.speechSynthesis.speak(utterance);
  });

  // Voice messages: one big button records (up to the limit), the recording can be heard, then sent or
  // discarded. It goes into the form's file field, so sending works as without JavaScript.
  var RECORDING_TYPES = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/mp4;codecs=mp4a.40.2", "audio/mp4"];
  var SUFFIXES = { "audio/webm": "webm", "audio/ogg": "ogg", "audio/mp4": "m4a" };

  function recordingType() {
    for (var i = 0; i < RECORDING_TYPES.length; i++) {
      if (window.MediaRecorder.isTypeSupported(RECORDING_TYPES[i])) return RECORDING_TYPES[i];
    }
    return "";
  }

  function setUpRecorder(form) {
    if (form.getAttribute("data-recorder-ready")) return;
    form.setAttribute("data-recorder-ready", "1");
    if (!window.MediaRecorder || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia ||
        !window.DataTransfer || !recordingType()) return;  // the file field does it
    var controls = form.querySelector("[data-recorder-controls]");
    var button = form.querySelector("[data-record]");
    var status = form.querySelector("[data-recorder-status]");
    var preview = form.querySelector("[data-preview]");
    var discard = form.querySelector("[data-discard]");
    var file = form.querySelector("input[type=file]");
    var maxSeconds = parseInt(form.getAttribute("data-max-seconds"), 10);
    var recorder = null;
    var timer = null;
    var started = 0;
    controls.hidden = false;

    function clock(seconds) {
      var whole = Math.floor(seconds);
      return Math.floor(whole / 60) + ":" + String(whole % 60).padStart(2, "0");
    }

    function showRecording(on) {
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.classList.toggle("recorder__button--on", on);
      button.querySelector("[data-when-idle]").hidden = on;
      button.querySelector("[data-when-recording]").hidden = !on;
    }

    function reset() {
      if (preview.src) URL.revokeObjectURL(preview.src);
      preview.removeAttribute("src");
      preview.hidden = true;
      discard.hidden = true;
      status.textContent = "";
      file.value = "";
    }

    function stop() {
      if (recorder && recorder.state === "recording") recorder.stop();
      window.clearInterval(timer);
    }

    function start() {
      reset();
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        var type = recordingType();
        var chunks = [];
        recorder = new MediaRecorder(stream, { mimeType: type, audioBitsPerSecond: 32000 });
        recorder.addEventListener("dataavailable", function (event) { if (event.data.size) chunks.push(event.data); });
        recorder.addEventListener("stop", function () {
          stream.getTracks().forEach(function (track) { track.stop(); });
          showRecording(false);
          var base = type.split(";")[0];
          var blob = new Blob(chunks, { type: base });
          var transfer = new DataTransfer();
          transfer.items.add(new File([blob], "voice." + SUFFIXES[base], { type: base }));
          file.files = transfer.files;
          preview.src = URL.createObjectURL(blob);
          preview.hidden = false;
          discard.hidden = false;
          status.textContent = clock((Date.now() - started) / 1000);
        });
        recorder.start(1000);
        started = Date.now();
        showRecording(true);
        timer = window.setInterval(function () {
          var seconds = (Date.now() - started) / 1000;
          status.textContent = clock(seconds) + " / " + clock(maxSeconds);
          if (seconds >= maxSeconds) {
            stop();
            form.querySelector("[data-recorder-too-long]").hidden = false;
          }
        }, 250);
      }).catch(function () {
        controls.querySelector("[data-recorder-refused]").hidden = false;
      });
    }

    button.addEventListener("click", function () {
      if (recorder && recorder.state === "recording") stop(); else start();
    });
    discard.addEventListener("click", reset);
  }

  function setUpRecorders() {
    document.querySelectorAll("form[data-recorder]").forEach(setUpRecorder);
  }

  // Print buttons need JavaScript, so they stay hidden without it (the browser's own menu prints).
  function showPrintButtons() {
    document.querySelectorAll("[data-print]").forEach(function (button) { button.hidden = false; });
  }
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) window.print();
  });
  // After a page swap, read out the notice beside what changed. The live region is kept through the
  // swap (hx-preserve), so screen readers hear the change; a region swapped in with it would stay silent.
  function announceNotice(event) {
    var announcer = document.getElementById("announcer");
    var notice = document.querySelector("main .notice");
    if (!announcer || !notice || event.target !== document.body) return;
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = notice.textContent.trim(); }, 100);
  }

  // A boosted page replaces only the body, so <html lang dir> would keep the language of the page before:
  // a language just saved, or a staff page after a sign-up in Dari, would be laid out and read aloud wrongly.
  function takeLanguageOfPage(event) {
    var xhr = event.detail && event.detail.xhr;
    if (!xhr || event.detail.target !== document.body) return;
    var tag = /<html\b[^>]*>/i.exec(xhr.responseText || "");
    if (!tag) return;
    var page = new DOMParser().parseFromString(tag[0] + "</html>", "text/html").documentElement;
    var root = document.documentElement;
    if (page.lang && root.lang !== page.lang) root.lang = page.lang;
    if (page.dir && root.dir !== page.dir) root.dir = page.dir;
  }
  document.addEventListener("htmx:afterSwap", takeLanguageOfPage);

  // A refused form comes back as its whole page, which a boosted swap shows from the top. htmx has put
  // focus on the first mistake by then; bring it into view once htmx has done its own scrolling.
  function showFirstMistake(event) {
    var xhr = event.detail && event.detail.xhr;
    if (!xhr || xhr.status < 400 || event.target !== document.body) return;
    window.setTimeout(function () {
      var mistake = document.activeElement;
      if (!mistake || mistake === document.body) mistake = document.querySelector("main [aria-invalid=true], main .form-error");
      if (mistake) mistake.scrollIntoView({ block: "center" });
    }, 0);
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    showFirstMistake(event);
    announceNotice(event);
    showPrintButtons();
    showListenButtons();
    setUpRecorders();
  });
  document.addEventListener("DOMContentLoaded", function () {
    showPrintButtons();
    showListenButtons();
    setUpRecorders();
    if (document.querySelector(".shared-device")) watchSharedDevice();
  });
})();
