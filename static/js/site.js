// Progressive enhancements only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button.copy-link")) {
    if (!navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      await navigator.clipboard.writeText(button.dataset.url);
      button.textContent = "Link copied";
    });
  }
  inlineReplies();
  rememberCommenter();
  countView();
});

// Readership (readership/views.py): one beacon per story shown, carrying the story and the
// referring site's domain only. Nothing is sent for a reader who asks not to be tracked, nor
// for a page that is never shown (a prerender, a tab opened in the background and closed).
function countView() {
  const story = document.querySelector("[data-readership-story]");
  if (!story || !navigator.sendBeacon) return;
  if (navigator.globalPrivacyControl || navigator.doNotTrack === "1") return;
  const send = () => {
    const body = new URLSearchParams({ story: story.dataset.readershipStory, ref: referringHost() });
    navigator.sendBeacon(story.dataset.readershipUrl, body);
  };
  if (document.visibilityState === "visible") {
    send();
    return;
  }
  const whenShown = () => {
    if (document.visibilityState !== "visible") return;
    document.removeEventListener("visibilitychange", whenShown);
    send();
  };
  document.addEventListener("visibilitychange", whenShown);
}

function referringHost() {
  try {
    const from = new URL(document.referrer);
    return from.host === location.host ? "" : from.hostname;
  } catch {
    return "";  // no referrer, or not a URL
  }
}

// "Reply" opens the story's comment form under the comment instead of a new page.
function inlineReplies() {
  const form = document.getElementById("comment-form");
  if (!form || !form.closest(".comments")) return;
  const home = document.createComment("comment form");
  form.before(home);
  const note = form.querySelector(".reply-note");
  const setReply = (replyTo, repliedTo) => {
    form.elements.reply_to.value = replyTo;
    form.elements.replied_to.value = repliedTo;
  };
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.textContent = "Cancel reply";
  cancel.addEventListener("click", () => {
    setReply("0", "");
    note.hidden = true;
    home.after(form);
    form.elements.comment.focus();
  });
  for (const link of document.querySelectorAll(".comments a.reply-link")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      setReply(link.dataset.replyTo, link.dataset.repliedTo);
      note.textContent = `Replying to ${link.dataset.name} `;
      note.append(cancel);
      note.hidden = false;
      link.closest("article").after(form);
      form.elements.comment.focus();
    });
  }
}

// "Save my name, email and website in this browser": pages are cached for everyone, so the
// values live in this browser's localStorage and are filled in here. Nothing reaches the server
// (the box has no name); unticking it forgets them.
const COMMENTER_KEY = "newsroom.commenter";
const COMMENTER_FIELDS = ["name", "email", "url"];

function commenterStore() {
  try {
    const store = window.localStorage;
    store.getItem(COMMENTER_KEY); // throws where storage is blocked
    return store;
  } catch {
    return null;
  }
}

function rememberCommenter() {
  const store = commenterStore();
  if (!store) return;
  for (const form of document.querySelectorAll("form.comment-form")) {
    const box = form.querySelector("input.remember-me-box");
    if (!box) continue; // signed-in readers give neither name nor email
    box.closest(".remember-me").hidden = false;
    let saved = null;
    try {
      saved = JSON.parse(store.getItem(COMMENTER_KEY));
    } catch {
      saved = null;
    }
    const fields = COMMENTER_FIELDS.map((name) => form.elements.namedItem(name)).filter(Boolean);
    if (saved && typeof saved === "object") {
      box.checked = true;
      for (const field of fields) {
        const value = saved[field.name];
        if (!field.value && typeof value === "string") field.value = value;
      }
    }
    box.addEventListener("change", () => {
      if (!box.checked) store.removeItem(COMMENTER_KEY);
    });
    form.addEventListener("submit", () => {
      if (!box.checked) return;
      const values = Object.fromEntries(fields.map((field) => [field.name, field.value.trim()]));
      store.setItem(COMMENTER_KEY, JSON.stringify(values));
    });
  }
}
