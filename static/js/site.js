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
});

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
