// The story form's tags as chips: type a tag and press Enter, Tab or a comma (or just leave the box).
// Progressive enhancement only: without this file "Tags" is a plain box of comma-separated names,
// and the server reads it the same way (articles/forms.py, split_tags). The box's name stays on a
// hidden input that always holds every chip and whatever is still typed, so no typed word is lost.
// Suggestions of existing tags come from the admin's tag search, in a <datalist>.
// Plain ES2020, safe under the admin's Content-Security-Policy: no inline code, no style attributes.
"use strict";

function enhanceTags() {
  const carrier = document.querySelector("input.tags-field[name=tags]");
  if (!carrier) return;

  const SUGGEST_DELAY = 150; // milliseconds of quiet typing before asking for suggestions
  const fold = (name) => name.trim().toLocaleLowerCase();
  const quoted = (name) => (name.includes(",") ? `"${name}"` : name);
  let names = [];
  try {
    names = JSON.parse(carrier.dataset.tagNames || "[]").filter((name) => typeof name === "string");
  } catch {
    names = [];
  }
  const known = new Map(); // folded name -> its spelling, from the suggestions seen so far

  // The parts: a list of chips, the typing box (taking the label's id), its suggestions, a live region.
  const id = carrier.id || "id_tags";
  const wrapper = document.createElement("div");
  wrapper.className = "tag-editor";
  const chips = document.createElement("ul");
  chips.className = "tag-chips";
  chips.setAttribute("aria-label", "Tags of this story");
  const box = document.createElement("input");
  box.type = "text";
  box.className = "tag-typing";
  box.autocomplete = "off";
  box.setAttribute("enterkeyhint", "enter");
  const describedBy = carrier.getAttribute("aria-describedby");
  if (describedBy) box.setAttribute("aria-describedby", describedBy);
  const suggestions = document.createElement("datalist");
  suggestions.id = `${id}_suggestions`;
  box.setAttribute("list", suggestions.id);
  const live = document.createElement("span");
  live.className = "tag-live";
  live.setAttribute("aria-live", "polite");

  carrier.id = `${id}_value`;
  box.id = id;
  carrier.removeAttribute("aria-describedby");
  carrier.type = "hidden";
  wrapper.append(chips, box, suggestions, live);
  carrier.before(wrapper);

  const help = document.querySelector(`#${CSS.escape(describedBy || `${id}_helptext`)} div`);
  if (help) {
    help.textContent =
      "Type a tag and press Enter, Tab or a comma. Backspace in the empty box removes the last tag. " +
      "A tag that exists already is reused, whatever its capitals.";
  }

  function sync() {
    const pending = box.value.trim();
    const all = pending ? [...names, pending] : names;
    const value = all.map(quoted).join(", ");
    if (carrier.value !== value) {
      carrier.value = value;
      carrier.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function draw() {
    chips.replaceChildren(
      ...names.map((name, index) => {
        const chip = document.createElement("li");
        chip.className = "tag-chip";
        const label = document.createElement("span");
        label.textContent = name;
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "tag-remove";
        remove.textContent = "×";
        remove.setAttribute("aria-label", `Remove tag ${name}`);
        remove.addEventListener("click", () => {
          removeAt(index);
          box.focus();
        });
        chip.append(label, remove);
        return chip;
      }),
    );
    chips.hidden = names.length === 0;
    sync();
  }

  function removeAt(index) {
    const [gone] = names.splice(index, 1);
    live.textContent = `Removed tag ${gone}.`;
    draw();
  }

  // What is typed becomes tags: split at commas, spelled as an existing tag when one matches.
  function commit() {
    const typed = box.value.split(",").map((part) => part.trim()).filter(Boolean);
    box.value = "";
    const added = [];
    for (const part of typed) {
      const name = known.get(fold(part)) || part;
      if (!names.some((chosen) => fold(chosen) === fold(name))) {
        names.push(name);
        added.push(name);
      }
    }
    if (added.length) live.textContent = `Added tag ${added.join(", ")}.`;
    suggestions.replaceChildren();
    draw();
  }

  let timer = null;
  let asked = 0;
  function suggest() {
    const term = box.value.trim();
    clearTimeout(timer);
    if (!term || !carrier.dataset.suggestUrl) return;
    timer = setTimeout(async () => {
      const ask = ++asked;
      try {
        const url = `${carrier.dataset.suggestUrl}&term=${encodeURIComponent(term)}`;
        const response = await fetch(url, { headers: { Accept: "application/json" } });
        if (!response.ok || ask !== asked) return;
        const found = (await response.json()).results.map((result) => result.text);
        found.forEach((name) => known.set(fold(name), name));
        const chosen = new Set(names.map(fold));
        suggestions.replaceChildren(
          ...found.filter((name) => !chosen.has(fold(name))).map((name) => new Option(name, name)),
        );
      } catch {
        // No suggestions this time: typing a tag still works.
      }
    }, SUGGEST_DELAY);
  }

  box.addEventListener("keydown", (event) => {
    if (event.isComposing) return;
    if (event.key === "Enter" || event.key === ",") {
      event.preventDefault(); // Enter adds the tag; it does not send the form
      commit();
    } else if (event.key === "Tab" && box.value.trim()) {
      commit(); // and focus moves on, as Tab does
    } else if (event.key === "Backspace" && !box.value && names.length) {
      event.preventDefault();
      removeAt(names.length - 1);
    }
  });
  box.addEventListener("input", (event) => {
    // A suggestion picked from the list arrives whole: it is a tag at once.
    const picked = !(event instanceof InputEvent) || event.inputType === "insertReplacementText";
    if (box.value.includes(",") || (picked && box.value.trim())) {
      commit();
    } else {
      sync();
      suggest();
    }
  });
  box.addEventListener("blur", () => {
    if (box.value.trim()) commit();
  });
  wrapper.addEventListener("click", (event) => {
    if (event.target === wrapper || event.target === chips) box.focus();
  });
  carrier.form?.addEventListener("submit", () => {
    if (box.value.trim()) commit();
  });

  draw();
}

// The admin loads this file in the page's head, before the form exists.
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", enhanceTags);
} else {
  enhanceTags();
}
