/* Who else is editing this story: a heartbeat to the admin, and the banner kept current.
 *
 * Every data-heartbeat-seconds the page POSTs to its presence URL, which records that this
 * editor still has the story open and answers with the others who have; the banner
 * (aria-live) is redrawn from that answer. Leaving the page sends a last beacon, so the
 * others' banners clear at their next beat; a page that goes quiet drops out after 75 s.
 *
 * The heartbeat goes on while the tab is hidden: a form open in a background tab is still
 * someone's unsaved work, and that is what the others need to know about. (Browsers slow
 * a hidden tab's timers to about once a minute, still inside the 75 s.) Coming back to
 * the tab beats at once, so the banner is fresh when it is looked at.
 *
 * Submitting the form sends no "leave": the answer is this story's form again (which
 * beats on the server), or another page, after which this editor drops out in 75 s.
 */
(function () {
  "use strict";

  if (document.readyState === "loading") {  // the admin loads its media in <head>
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }

  function start() {
    var banner = document.getElementById("desk-presence");
    if (!banner || !banner.dataset.beatUrl || !window.fetch) {
      return;
    }
    var form = banner.closest("form");
    var seconds = Math.max(1, Number(banner.dataset.heartbeatSeconds) || 30);
    var timer = null;
    var submitting = false;

    function token() {
      var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
      return input ? input.value : "";
    }

    function tokenBody() {
      var body = new FormData();
      body.append("csrfmiddlewaretoken", token());
      return body;
    }

    function render(others) {
      var list = banner.querySelector(".desk-presence-list");
      if (!others.length) {
        if (list) {
          list.remove();
        }
        return;
      }
      if (!list) {
        list = document.createElement("ul");
        list.className = "desk-presence-list";
        banner.appendChild(list);
      }
      var items = others.map(function (other) {
        var item = document.createElement("li");
        item.textContent = other.name + " is editing this story since " + other.since + ".";
        return item;
      });
      var same = list.children.length === items.length && items.every(function (item, i) {
        return list.children[i].textContent === item.textContent;
      });
      if (!same) {  // redrawn only when it changed, so a screen reader hears only news
        list.replaceChildren.apply(list, items);
      }
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(beat, seconds * 1000);
    }

    function beat() {
      window.clearTimeout(timer);
      fetch(banner.dataset.beatUrl, {
        method: "POST",
        body: tokenBody(),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("presence: " + response.status);
          }
          return response.json();
        })
        .then(function (answer) {
          render(answer.others || []);
        })
        .catch(function () {
          /* offline or signed out: try again at the next beat */
        })
        .finally(schedule);
    }

    if (form) {
      form.addEventListener("submit", function () {
        submitting = true;
      });
    }
    window.addEventListener("pagehide", function () {
      window.clearTimeout(timer);
      if (!submitting && navigator.sendBeacon) {
        navigator.sendBeacon(banner.dataset.leaveUrl, tokenBody());
      }
    });
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) {  // back from the back-forward cache: present again
        submitting = false;
        beat();
      }
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") {
        beat();
      }
    });
    schedule();  // opening the form was the first beat
  }
})();
