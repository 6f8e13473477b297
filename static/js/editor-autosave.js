/* The story form keeps what the editor types (articles/admin/autosave.py).
 *
 * - Leaving the page with unsaved changes (a link, reload, closing the tab) asks first;
 *   saving the form with any of its buttons does not.
 * - A set time after the first unsaved change, and again every that long while typing
 *   goes on, the form's text is posted to the autosave URL, which keeps it as this
 *   editor's draft of the story (never the story itself). Hiding or closing the page
 *   sends what was not kept yet with navigator.sendBeacon.
 *
 * The body editor (django-prose-editor) writes into its textarea and fires an "input"
 * event there on every change, so listening to the form's events sees it too. The
 * settings come from the #autosave element's data attributes; without it, nothing runs.
 */
(function () {
  "use strict";

  function start() {
    var box = document.getElementById("autosave");
    var form = document.getElementById("article_form");
    if (!box || !form || !box.dataset.autosaveUrl) return;

    var url = box.dataset.autosaveUrl;
    var seconds = Math.max(1, Number(box.dataset.autosaveSeconds) || 30);
    var status = box.querySelector(".autosave-status");
    var timer = null;
    var submitting = false;

    function payload() {
      var data = new FormData(form);
      var files = [];
      data.forEach(function (value, name) {
        if (value instanceof File) files.push(name);
      });
      files.forEach(function (name) { data.delete(name); });
      return data;
    }

    function snapshot() {
      return new URLSearchParams(payload()).toString();
    }

    // A form sent back with errors holds text that is not saved yet, whatever it looks like now.
    var refused = Boolean(form.querySelector(".errornote"));
    var saved = refused ? null : snapshot();
    var kept = refused ? null : saved;

    function changed() {
      return snapshot() !== saved;
    }

    function say(text) {
      if (status) status.textContent = text;
    }

    function keep() {
      timer = null;
      var text = snapshot();
      if (submitting || text === kept) return;
      fetch(url, { method: "POST", body: payload(), credentials: "same-origin" })
        .then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (answer) {
            if (!response.ok) throw new Error(answer.error || "the server answered " + response.status + ".");
            kept = text;
            say(answer.message || "Draft kept");
          });
        })
        .catch(function (error) {
          say("Could not keep a draft: " + (error.message || "no connection."));
        });
    }

    function edited() {
      if (timer === null && !submitting && snapshot() !== kept) {
        timer = window.setTimeout(keep, seconds * 1000);
      }
    }

    function sendNow() {
      if (submitting || !navigator.sendBeacon) return;
      var text = snapshot();
      if (text === kept || !changed()) return;
      if (navigator.sendBeacon(url, payload())) kept = text;
    }

    // The body editor may tidy its content once it starts: what it then shows is the saved story.
    document.addEventListener("prose-editor:ready", function () {
      if (!refused && !submitting && kept === saved && timer === null) {
        saved = kept = snapshot();
      }
    });
    form.addEventListener("input", edited);
    form.addEventListener("change", edited);
    if (window.django && window.django.jQuery) {
      // The admin's autocomplete pickers (tags, source) announce a choice only through jQuery.
      window.django.jQuery(form).on("change", edited);
    }
    form.addEventListener("submit", function () {
      submitting = true;
      window.clearTimeout(timer);
      timer = null;
    });
    window.addEventListener("beforeunload", function (event) {
      if (submitting || !changed()) return;
      event.preventDefault();
      event.returnValue = "";  // older browsers ask only when this is set
    });
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) submitting = false;  // back from the next page: the form is live again
    });
    window.addEventListener("pagehide", sendNow);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") sendNow();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
