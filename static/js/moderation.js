// The moderation queue, made quick: decisions in place with an undo, the keyboard, threads inline.
// Progressive enhancement only: without this file every button is a plain POST and the queue reloads.
// Plain ES2020 and safe under the admin's Content-Security-Policy: no inline code, no style
// attributes (classes and `hidden` only). The markup it reads is the contract of issue 16:
// article.mod-item rows, button.mod-button[data-action][formaction], #mod-live, .mod-count[data-count].
"use strict";

(() => {
  const list = document.getElementById("changelist-form");
  const live = document.getElementById("mod-live");
  if (!list || !document.querySelector(".mod-queue, .mod-item")) return;

  const UNDO_FOR = 8000; // milliseconds the "Undo" stays offered
  const SAY_FOR = 5000; // milliseconds a message stays on screen
  const NAMES = { approve: "Approve", remove: "Remove", spam: "Spam", not_spam: "Not spam", dismiss: "Dismiss report" };
  const BY_KEY = { a: "approve", r: "remove", s: "spam", d: "dismiss" };
  const KEYS = [
    ["j", "Next comment"],
    ["k", "Previous comment"],
    ["a", "Approve"],
    ["r", "Remove: choose a reason, then Enter (Escape closes)"],
    ["s", "Mark as spam"],
    ["d", "Dismiss the comment's reports (it stays published)"],
    ["x", "Select or unselect, for the bulk actions"],
    ["o", "Open or close the comment in its thread"],
    ["u", "Undo the last decision, while “Undo” is offered"],
    ["?", "Show these keys"],
    ["Escape", "Close the thread, the removal panel or this list"],
  ];
  let current = null;

  // --- small pieces ------------------------------------------------------------------------

  // What just happened, read out and shown for a few seconds over the page (it moves nothing).
  let sayTimer = 0;
  const say = (message) => {
    if (!live) return;
    live.textContent = "";
    window.clearTimeout(sayTimer);
    window.setTimeout(() => { live.textContent = message; }, 30);
    sayTimer = window.setTimeout(() => { live.textContent = ""; }, SAY_FOR);
  };
  const csrf = () => document.querySelector('input[name="csrfmiddlewaretoken"]')?.value || "";
  const holderOf = (row) => row.closest("tr") || row;
  const rows = () => Array.from(list.querySelectorAll("article.mod-item")).filter((row) => !holderOf(row).hidden);
  const rowOf = (node) => node?.closest?.("article.mod-item") || null;
  const here = () => window.location.pathname + window.location.search;

  const element = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  };

  const isTyping = (node) => {
    if (!node || !node.tagName) return false;
    if (node.isContentEditable || node.tagName === "TEXTAREA" || node.tagName === "SELECT") return true;
    const notText = ["checkbox", "radio", "button", "submit", "reset", "image", "range", "color", "file"];
    return node.tagName === "INPUT" && !notText.includes(node.type);
  };

  // A count's own text changes; words beside it for screen readers (a span inside) stay.
  const setNumber = (shown, count) => {
    const text = Array.from(shown.childNodes).find((node) => node.nodeType === Node.TEXT_NODE);
    if (text && shown.children.length) text.textContent = String(count);
    else shown.textContent = String(count);
  };
  const updateCounts = (counts) => {
    if (!counts) return;
    for (const [key, count] of Object.entries(counts)) {
      for (const shown of document.querySelectorAll(`[data-count="${CSS.escape(key)}"]`)) setNumber(shown, count);
    }
    // The waiting badge beside "Comments" in the admin's navigation.
    if (typeof counts.waiting !== "number") return;
    for (const badge of document.querySelectorAll("a.mod-badge:not([data-count])")) {
      setNumber(badge, counts.waiting);
      badge.title = `${counts.waiting} waiting for a decision`;
    }
  };

  const whyRefused = (response) => {
    if (response.status === 403) return "you are not allowed to do that (403)";
    if (response.status === 404) return "that comment no longer exists (404)";
    if (response.status === 405) return "the server refused the request (405)";
    return `the server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
  };

  // Decisions go to the server one after another, in the order they were made, however fast the
  // keys are pressed: each answer's counts then include every decision before it.
  let turn = Promise.resolve();
  function post(url, data) {
    const mine = turn.then(() => send(url, data));
    turn = mine.catch(() => undefined);
    return mine;
  }

  // POST to one of the desk's URLs and read its JSON answer; throws an Error saying why it failed.
  async function send(url, data) {
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
    } catch (error) {
      throw new Error("the server could not be reached; check the connection and try again");
    }
    const json = (response.headers.get("Content-Type") || "").includes("json")
      ? await response.json().catch(() => null)
      : null;
    if (!response.ok) throw new Error(json?.message || whyRefused(response));
    if (!json) {
      const signedOut = response.redirected && response.url.includes("/login/");
      throw new Error(signedOut ? "you have been signed out; sign in again and reload the queue"
        : "the answer was not the one expected; reload the page");
    }
    return json;
  }

  const formFor = (next) => {
    const data = new FormData();
    data.append("csrfmiddlewaretoken", csrf());
    data.append("next", next || here());
    return data;
  };

  const notSaved = (why) => `Not saved: ${why.replace(/\.$/, "")}.`;

  const showError = (row, message) => {
    let note = row.querySelector(".mod-error");
    if (!note) {
      note = element("p", "mod-error");
      (row.querySelector(".mod-body") || row).append(note);
    }
    note.textContent = message;
    say(message);
  };

  // --- the current row -------------------------------------------------------------------------

  function setCurrent(row, { focus = false, scroll = false } = {}) {
    if (current && current !== row) {
      current.classList.remove("mod-current");
      current.removeAttribute("aria-current");
    }
    current = row || null;
    if (!row) return;
    row.classList.add("mod-current");
    row.setAttribute("aria-current", "true");
    if (!row.hasAttribute("tabindex")) row.tabIndex = -1;
    if (focus) row.focus({ preventScroll: true });
    if (scroll) row.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    const all = rows();
    if (!all.length) return say("There is no comment on this page.");
    const at = all.indexOf(current);
    const to = at === -1 ? 0 : at + step;
    if (to < 0 || to >= all.length) return say(step > 0 ? "This is the last comment on this page." : "This is the first comment on this page.");
    setCurrent(all[to], { focus: true, scroll: true });
  }

  // --- decisions ---------------------------------------------------------------------------

  const toast = element("div", "mod-toast");
  const toastText = element("p", "mod-toast-text");
  const undoButton = element("button", "mod-toast-undo button", "Undo");
  undoButton.type = "button";
  toast.append(toastText, undoButton);
  toast.hidden = true;
  document.body.append(toast);
  let offered = null; // { url, restore } of the decision "Undo" would take back
  let timer = 0;

  const closeToast = () => {
    window.clearTimeout(timer);
    toast.hidden = true;
    offered = null;
  };
  const startTimer = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(closeToast, UNDO_FOR);
  };

  function offerUndo(message, url, restore) {
    toastText.textContent = message;
    if (!url) return closeToast();
    offered = { url, restore };
    toast.hidden = false;
    startTimer();
  }
  // Reading it or reaching it by keyboard holds the undo open.
  toast.addEventListener("mouseenter", () => window.clearTimeout(timer));
  toast.addEventListener("focusin", () => window.clearTimeout(timer));
  toast.addEventListener("mouseleave", () => { if (offered) startTimer(); });
  toast.addEventListener("focusout", () => { if (offered) startTimer(); });
  undoButton.addEventListener("click", () => undo());

  async function undo() {
    if (!offered) return say("There is nothing to undo.");
    const { url, restore } = offered;
    closeToast();
    try {
      const answer = await post(url, formFor());
      updateCounts(answer.counts);
      if (answer.ok) restore(answer);
      say(answer.message || (answer.ok ? "Undone." : "Nothing was undone."));
    } catch (error) {
      say(`Not undone: ${error.message.replace(/\.$/, "")}.`);
    }
  }

  // A decision from a row: the row leaves at once, and comes back if the server says no.
  async function decide(button, row) {
    const action = button.dataset.action;
    const data = formFor(button.value);
    if (action === "remove") {
      const reason = row.querySelector('input[name="reason"]:checked');
      const notify = row.querySelector('input[name="notify"]');
      data.append("reason", reason ? reason.value : "");
      if (notify?.checked && !notify.disabled) data.append("notify", "1");
    }
    const holder = holderOf(row);
    const hadFocus = holder.contains(document.activeElement);
    const all = rows();
    const next = all[all.indexOf(row) + 1] || all[all.indexOf(row) - 1] || null;
    holder.hidden = true;
    row.classList.add("mod-done");
    if (current === row || !current) setCurrent(next, { focus: hadFocus, scroll: true });
    try {
      const answer = await post(button.getAttribute("formaction"), data);
      updateCounts(answer.counts);
      if (!answer.ok) throw new Error(answer.message || "nothing changed");
      row.querySelector(".mod-error")?.remove();
      const marker = document.createComment(`comment ${row.dataset.comment}`);
      holder.replaceWith(marker);
      holder.hidden = false;
      row.classList.remove("mod-done");
      const left = rows().length ? "" : " Nothing else on this page.";
      say(`${answer.message}${left}`);
      offerUndo(answer.message, answer.undo, (back) => {
        marker.replaceWith(holder);
        if (back.status) row.dataset.status = back.status;
        setCurrent(row, { focus: true, scroll: true });
      });
    } catch (error) {
      holder.hidden = false;
      row.classList.remove("mod-done");
      setCurrent(row, { focus: hadFocus, scroll: true });
      showError(row, notSaved(error.message));
    }
  }

  // A decision on a comment shown in an opened thread: the thread is read again to show it.
  async function decideInThread(button, box) {
    const host = rowOf(box.previousElementSibling) || rowOf(box);
    const item = button.closest(".mod-thread-item");
    if (host && item && item.dataset.comment === host.dataset.comment) {
      const own = host.querySelector(`.mod-button[data-action="${button.dataset.action}"]`);
      if (own) return decide(own, host);
    }
    button.disabled = true;
    try {
      const answer = await post(button.getAttribute("formaction"), formFor(here()));
      updateCounts(answer.counts);
      say(answer.message);
      if (answer.ok) {
        offerUndo(answer.message, answer.undo, () => host && loadThread(host, box));
        if (host) {
          await loadThread(host, box);
          setCurrent(host, { focus: true }); // the pressed button was replaced with the thread
        }
      }
    } catch (error) {
      say(notSaved(error.message));
    } finally {
      button.disabled = false;
    }
  }

  function act(action) {
    const row = current;
    if (!row) return say("No comment is chosen: press j to choose one.");
    if (action === "dismiss" && row.dataset.reported !== "1") {
      return say("This comment has no reports to dismiss.");
    }
    const button = row.querySelector(`.mod-button[data-action="${action}"]`);
    if (!button) return say(`${NAMES[action]} does not apply to this comment (${row.dataset.status || "no decision offered"}).`);
    if (action === "remove") return openRemoval(row, button);
    return decide(button, row);
  }

  // --- the removal panel -----------------------------------------------------------------------

  function openRemoval(row, button) {
    const panel = button.closest("details");
    if (panel) panel.open = true;
    const choice = row.querySelector('input[name="reason"]:checked') || row.querySelector('input[name="reason"]');
    (choice || button).focus();
    say("Choose why, then press Enter to remove; Escape closes.");
  }

  function closeRemoval(panel) {
    panel.open = false;
    const row = rowOf(panel);
    if (row) setCurrent(row, { focus: true });
  }

  // --- threads ---------------------------------------------------------------------------------

  async function loadThread(row, box) {
    const link = row.querySelector("a.mod-context");
    const url = new URL(link.href, window.location.href);
    url.searchParams.set("fragment", "1");
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (!response.ok) throw new Error(whyRefused(response));
      if (response.redirected && response.url.includes("/login/")) throw new Error("you have been signed out");
      box.innerHTML = await response.text();
      box.classList.remove("mod-thread-loading");
      const shown = box.querySelectorAll(".mod-thread-item").length;
      return `The thread is open: ${shown} comment${shown === 1 ? "" : "s"}.`;
    } catch (error) {
      box.textContent = `The thread could not be opened: ${error.message}.`;
      return box.textContent;
    }
  }

  async function toggleThread(row) {
    const link = row.querySelector("a.mod-context");
    if (!link) return say("This comment has no thread to open.");
    const open = document.getElementById(`m${row.dataset.comment}-thread`);
    if (open) {
      open.remove();
      link.setAttribute("aria-expanded", "false");
      return say("The thread is closed.");
    }
    const box = element("div", "mod-thread-box mod-thread-loading", "Opening the thread…");
    box.id = `m${row.dataset.comment}-thread`;
    row.after(box);
    link.setAttribute("aria-controls", box.id);
    link.setAttribute("aria-expanded", "true");
    say(await loadThread(row, box));
  }

  // --- the keys and their dialog -------------------------------------------------------------

  const dialog = element("dialog", "mod-keys-dialog");
  dialog.setAttribute("aria-labelledby", "mod-keys-title");
  const title = element("h2", "", "Keyboard shortcuts");
  title.id = "mod-keys-title";
  const keyList = element("dl", "mod-keys-list");
  for (const [key, meaning] of KEYS) {
    const pair = element("div");
    const term = element("dt");
    term.append(element("kbd", "", key));
    pair.append(term, element("dd", "", meaning));
    keyList.append(pair);
  }
  const close = element("button", "button", "Close");
  close.type = "button";
  close.addEventListener("click", () => dialog.close());
  dialog.append(title, element("p", "", "When the cursor is not in a text box:"), keyList, close);
  document.body.append(dialog);
  const showKeys = () => { if (!dialog.open) dialog.showModal(); };

  let keysButton = document.querySelector("[data-mod-keys], .mod-keys-button");
  if (!keysButton) {
    keysButton = element("button", "mod-keys-button", "Keyboard shortcuts (?)");
    keysButton.type = "button";
    const bar = document.querySelector(".mod-bar");
    if (bar) bar.append(keysButton);
    else list.before(keysButton);
  }
  keysButton.hidden = false;
  keysButton.addEventListener("click", (event) => {
    event.preventDefault();
    showKeys();
  });

  function onKey(event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (dialog.open) return;
    if (isTyping(event.target)) {
      if (event.key === "Escape" && event.target.id === "searchbar") event.target.blur(); // back to the keys
      return;
    }
    const panel = event.target.closest?.("details[open]");
    if (panel && rowOf(panel)) {
      if (event.key === "Enter" && !event.target.matches("summary, button, a")) {
        event.preventDefault();
        const button = panel.querySelector('.mod-button[data-action="remove"]');
        if (button) decide(button, rowOf(panel));
        return;
      }
      if (event.key === "Escape") {
        event.preventDefault();
        return closeRemoval(panel);
      }
    }
    const key = event.key;
    if (key === "j" || key === "k") return handled(event, () => move(key === "j" ? 1 : -1));
    if (key in BY_KEY) return handled(event, () => act(BY_KEY[key]));
    if (key === "x") return handled(event, toggleSelected);
    if (key === "o") return handled(event, () => (current ? toggleThread(current) : say("No comment is chosen: press j to choose one.")));
    if (key === "u") return handled(event, undo);
    if (key === "?") return handled(event, showKeys);
    if (key === "Escape" && current) {
      const openPanel = current.querySelector("details[open]");
      if (openPanel) return handled(event, () => closeRemoval(openPanel));
      if (document.getElementById(`m${current.dataset.comment}-thread`)) {
        return handled(event, () => toggleThread(current));
      }
    }
  }

  function handled(event, run) {
    event.preventDefault();
    run();
  }

  function toggleSelected() {
    const box = current?.querySelector("input.action-select");
    if (!box) return say(current ? "This comment cannot be selected." : "No comment is chosen: press j to choose one.");
    box.click(); // a click, so that the admin's own script counts it
    say(box.checked ? "Selected." : "Unselected.");
  }

  // --- wiring --------------------------------------------------------------------------------

  document.addEventListener("keydown", onKey);
  document.addEventListener("click", (event) => {
    const button = event.target.closest?.("button.mod-button[data-action]");
    if (button && list.contains(button)) {
      event.preventDefault();
      const box = button.closest(".mod-thread-box");
      if (box) decideInThread(button, box);
      else if (rowOf(button)) decide(button, rowOf(button));
      return;
    }
    const link = event.target.closest?.("a.mod-context");
    if (link && rowOf(link) && event.button === 0 && !event.shiftKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      setCurrent(rowOf(link));
      toggleThread(rowOf(link));
      return;
    }
    const row = rowOf(event.target);
    if (row && row !== current) setCurrent(row);
  });
  list.addEventListener("focusin", (event) => {
    const row = rowOf(event.target);
    if (row && row !== current) setCurrent(row);
  });

  const first = rows()[0];
  if (first) setCurrent(first);
})();
