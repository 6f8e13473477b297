// The story form's tags as chips: type a tag and press Enter, Tab or a comma (or just leave the box).
// Progressive enhancement only: without this file "Tags" is a plain box of comma-separated names,
// and the server reads it the same way (articles/forms.py, split_tags). The box's name stays on a
// hidden input that always holds every chip and whatever is still typed, so no typed word is lost.
// Suggestions of existing tags come from the admin's tag search, in a <datalist>. Code that fills
// the form again (a restored autosave) sets input[name=tags] and sends it a "change" event.
// Plain ES2020, safe under the admin's Content-Security-Policy: no inline code, no style attributes.
"use strict";

(() => {
  const SUGGEST_DELAY = 150; // milliseconds of quiet typing before asking for suggestions
  const HELP =
    "Type a tag and press Enter, Tab or a comma. Backspace in the empty box removes the last tag. " +
    "A tag that exists already is reused, whatever its capitals.";

  const fold = (name) => name.trim().toLocaleLowerCase();
  const quoted = (name) => (name.includes(",") ? `"${name}"` : name);

  // 'Ports, "Ships, boats"' -> ["Ports", "Ships, boats"]: commas separate, quotes keep a comma.
  function splitTags(text) {
    const parts = [""];
    let inQuotes = false;
    for (const ch of text) {
      if (ch === '"') inQuotes = !inQuotes;
      else if (ch === "," && !inQuotes) parts.push("");
      else parts[parts.length - 1] += ch;
    }
    return parts.map((part) => part.trim()).filter(Boolean);
  }

  function element(tag, className, attributes = {}) {
    const made = document.createElement(tag);
    made.className = className;
    for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value);
    return made;
  }

  class TagEditor {
    constructor(carrier) {
      this.carrier = carrier;
      this.names = [];
      try {
        this.names = JSON.parse(carrier.dataset.tagNames || "[]").filter((n) => typeof n === "string");
      } catch {
        this.names = splitTags(carrier.value);
      }
      this.known = new Map(); // folded name -> its spelling, from the suggestions seen so far
      this.syncing = false;
      this.asked = 0;
      this.timer = null;
      this.build();
      this.listen();
      this.draw();
    }

    // A list of chips, the typing box (it takes the label's id), its suggestions, a live region.
    build() {
      const carrier = this.carrier;
      const id = carrier.id || "id_tags";
      const describedBy = carrier.getAttribute("aria-describedby");
      this.wrapper = element("div", "tag-editor");
      this.chips = element("ul", "tag-chips", { "aria-label": "Tags of this story" });
      this.box = element("input", "tag-typing", {
        type: "text",
        autocomplete: "off",
        enterkeyhint: "enter",
        list: `${id}_suggestions`,
      });
      if (describedBy) this.box.setAttribute("aria-describedby", describedBy);
      this.suggestions = element("datalist", "", { id: `${id}_suggestions` });
      this.live = element("span", "tag-live", { "aria-live": "polite" });
      carrier.id = `${id}_value`;
      this.box.id = id;
      carrier.removeAttribute("aria-describedby");
      carrier.type = "hidden";
      this.wrapper.append(this.chips, this.box, this.suggestions, this.live);
      carrier.before(this.wrapper);
      const help = document.querySelector(`#${CSS.escape(describedBy || `${id}_helptext`)} div`);
      if (help) help.textContent = HELP;
    }

    listen() {
      this.box.addEventListener("keydown", (event) => this.onKeydown(event));
      this.box.addEventListener("input", (event) => this.onInput(event));
      this.box.addEventListener("blur", () => this.commitTyped());
      this.wrapper.addEventListener("click", (event) => {
        if (event.target === this.wrapper || event.target === this.chips) this.box.focus();
      });
      this.carrier.addEventListener("change", () => {
        if (this.syncing) return; // our own news
        this.names = splitTags(this.carrier.value);
        this.box.value = "";
        this.draw();
      });
      this.carrier.form?.addEventListener("submit", () => this.commitTyped());
    }

    onKeydown(event) {
      if (event.isComposing) return;
      if (event.key === "Enter" || event.key === ",") {
        event.preventDefault(); // Enter adds the tag; it does not send the form
        this.commit();
      } else if (event.key === "Tab") {
        this.commitTyped(); // and focus moves on, as Tab does
      } else if (event.key === "Backspace" && !this.box.value && this.names.length) {
        event.preventDefault();
        this.removeAt(this.names.length - 1);
      }
    }

    onInput(event) {
      // A suggestion picked from the list arrives whole: it is a tag at once.
      const picked = !(event instanceof InputEvent) || event.inputType === "insertReplacementText";
      if (this.box.value.includes(",") || (picked && this.box.value.trim())) {
        this.commit();
      } else {
        this.sync();
        this.suggest();
      }
    }

    commitTyped() {
      if (this.box.value.trim()) this.commit();
    }

    // What is typed becomes tags: split at commas, spelled as an existing tag when one matches.
    commit() {
      const typed = this.box.value.split(",").map((part) => part.trim()).filter(Boolean);
      this.box.value = "";
      const added = [];
      for (const part of typed) {
        const name = this.known.get(fold(part)) || part;
        if (!this.names.some((chosen) => fold(chosen) === fold(name))) {
          this.names.push(name);
          added.push(name);
        }
      }
      if (added.length) this.live.textContent = `Added tag ${added.join(", ")}.`;
      this.suggestions.replaceChildren();
      this.draw();
    }

    removeAt(index) {
      const [gone] = this.names.splice(index, 1);
      this.live.textContent = `Removed tag ${gone}.`;
      this.draw();
    }

    chip(name, index) {
      const chip = element("li", "tag-chip");
      const label = element("span", "");
      label.textContent = name;
      const remove = element("button", "tag-remove", { type: "button", "aria-label": `Remove tag ${name}` });
      remove.textContent = "×";
      remove.addEventListener("click", () => {
        this.removeAt(index);
        this.box.focus();
      });
      chip.append(label, remove);
      return chip;
    }

    draw() {
      this.chips.replaceChildren(...this.names.map((name, index) => this.chip(name, index)));
      this.chips.hidden = this.names.length === 0;
      this.sync();
    }

    // The hidden field holds every chip and what is still typed, and says when it changes.
    sync() {
      const pending = this.box.value.trim();
      const value = (pending ? [...this.names, pending] : this.names).map(quoted).join(", ");
      if (this.carrier.value === value) return;
      this.carrier.value = value;
      this.syncing = true;
      this.carrier.dispatchEvent(new Event("change", { bubbles: true }));
      this.syncing = false;
    }

    suggest() {
      const term = this.box.value.trim();
      clearTimeout(this.timer);
      if (!term || !this.carrier.dataset.suggestUrl) return;
      this.timer = setTimeout(() => this.fetchSuggestions(term), SUGGEST_DELAY);
    }

    async fetchSuggestions(term) {
      const ask = ++this.asked;
      try {
        const url = `${this.carrier.dataset.suggestUrl}&term=${encodeURIComponent(term)}`;
        const response = await fetch(url, { headers: { Accept: "application/json" } });
        if (!response.ok || ask !== this.asked) return;
        const found = (await response.json()).results.map((result) => result.text);
        found.forEach((name) => this.known.set(fold(name), name));
        const chosen = new Set(this.names.map(fold));
        this.suggestions.replaceChildren(
          ...found.filter((name) => !chosen.has(fold(name))).map((name) => new Option(name, name)),
        );
      } catch {
        // No suggestions this time: typing a tag still works.
      }
    }
  }

  function enhance() {
    const carrier = document.querySelector("input.tags-field[name=tags]");
    if (carrier) new TagEditor(carrier);
  }

  // The admin loads this file in the page's head, before the form exists.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", enhance);
  else enhance();
})();
