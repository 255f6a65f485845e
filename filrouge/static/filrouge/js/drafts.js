/* Drafts of the forms being typed, kept in this browser and offered back (after the session
   ended, a crash, a lost connection).

   A form that holds free text (a textarea) is saved as it is typed, in localStorage, encrypted
   with AES-GCM under the account's key, which only that account's signed-in pages carry: nothing
   is sent to the server, and the next person on a shared computer reads nothing. A draft is
   offered back on the page of the same form ("Reprendre" / "Effacer"), forgotten once its form
   is saved (the server names the saved forms' tokens in a cookie, see core/idempotency.py), on
   signing out, and after a week. */
(() => {
  "use strict";

  const PREFIX = "filrouge.draft.";
  const KEPT_MS = 7 * 24 * 3600 * 1000;
  const SAVE_DELAY_MS = 400;
  const SAVED_COOKIE = "filrouge_saved";
  const SUBMISSION = "_submission";
  // Never kept: secrets, files, buttons; of the hidden fields, only the version the form was
  // built from, so that a draft taken up later still meets the check against lost updates.
  const SKIPPED_TYPES = new Set(["password", "file", "submit", "button", "reset", "image"]);
  const VERSION = /(^|-)version$/;
  const TEXT_TYPES = new Set(["textarea", "text", "search", "email", "tel", "url"]);

  function storedEntries() {
    const entries = [];
    for (let i = 0; i < localStorage.length; i += 1) {
      const name = localStorage.key(i);
      if (!name || !name.startsWith(PREFIX)) continue;
      try {
        entries.push({ name, ...JSON.parse(localStorage.getItem(name)) });
      } catch {
        entries.push({ name, saved: 0 });
      }
    }
    return entries;
  }

  function remove(name) {
    try {
      localStorage.removeItem(name);
    } catch {
      // Storage unavailable: nothing was kept.
    }
  }

  function savedTokens() {
    const cookie = document.cookie.split("; ").find((item) => item.startsWith(`${SAVED_COOKIE}=`));
    return new Set(cookie ? cookie.slice(SAVED_COOKIE.length + 1).split(".") : []);
  }

  // Whoever's they are: drafts whose form was saved, and drafts too old to matter.
  function forgetDone() {
    const saved = savedTokens();
    const oldest = Date.now() - KEPT_MS;
    for (const entry of storedEntries()) {
      if (saved.has(entry.token) || !(entry.saved > oldest)) remove(entry.name);
    }
  }

  let storageWorks = true;
  try {
    forgetDone();
  } catch {
    storageWorks = false; // localStorage refused (disabled, private mode): no drafts
  }

  const tools = document.getElementById("unsaved-work");
  if (!storageWorks || !tools || !tools.dataset.draftKey || !window.crypto?.subtle) return;

  const mine = `${PREFIX}${tools.dataset.draftKeyId}.`;
  const logoutPath = new URL(tools.dataset.logoutUrl, location.href).pathname;

  // --- Bytes and keys ---------------------------------------------------------------------------

  function toBase64(bytes) {
    let text = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    }
    return btoa(text);
  }

  function fromBase64(text) {
    const normal = text.replace(/-/g, "+").replace(/_/g, "/");
    const padded = normal + "=".repeat((4 - (normal.length % 4)) % 4);
    return Uint8Array.from(atob(padded), (char) => char.charCodeAt(0));
  }

  const key = crypto.subtle.importKey("raw", fromBase64(tools.dataset.draftKey), "AES-GCM", false, [
    "encrypt",
    "decrypt",
  ]);

  async function seal(content) {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const plain = new TextEncoder().encode(JSON.stringify(content));
    const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await key, plain);
    return { iv: toBase64(iv), data: toBase64(new Uint8Array(sealed)) };
  }

  async function open(entry) {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: fromBase64(entry.iv) },
      await key,
      fromBase64(entry.data),
    );
    return JSON.parse(new TextDecoder().decode(plain));
  }

  // --- Forms ------------------------------------------------------------------------------------

  const forms = new Map(); // form -> its state: { id, entry name, timer, offer }

  const isPost = (form) => (form.getAttribute("method") || "").toLowerCase() === "post";
  const actionPath = (form) => new URL(form.getAttribute("action") || location.href, location.href).pathname;
  const kept = (control) =>
    control.name &&
    control.name !== SUBMISSION &&
    control.name !== "csrfmiddlewaretoken" &&
    ["INPUT", "SELECT", "TEXTAREA"].includes(control.tagName) &&
    !SKIPPED_TYPES.has(control.type) &&
    (control.type !== "hidden" || VERSION.test(control.name));

  function drafted(form) {
    return (
      isPost(form) &&
      !("noDraft" in form.dataset) &&
      actionPath(form) !== logoutPath &&
      form.querySelector("textarea") !== null
    );
  }

  // Each kept control, named by its name and rank among controls of that name.
  function* controls(form) {
    const ranks = new Map();
    for (const control of form.elements) {
      if (!kept(control)) continue;
      const rank = ranks.get(control.name) ?? 0;
      ranks.set(control.name, rank + 1);
      yield [`${control.name}#${rank}`, control];
    }
  }

  function valuesOf(form) {
    const values = {};
    for (const [id, control] of controls(form)) {
      if (control.type === "checkbox" || control.type === "radio") values[id] = control.checked;
      else if (control.type === "select-multiple") values[id] = Array.from(control.selectedOptions, (o) => o.value);
      else values[id] = control.value;
    }
    return values;
  }

  function fill(form, values) {
    for (const [id, control] of controls(form)) {
      if (!(id in values)) continue;
      const value = values[id];
      if (control.type === "checkbox" || control.type === "radio") control.checked = value === true;
      else if (control.type === "select-multiple") {
        for (const option of control.options) option.selected = value.includes(option.value);
      } else control.value = value;
    }
  }

  const normal = (text) => String(text ?? "").replace(/\r\n/g, "\n").trim();

  // Worth offering: some text typed in the draft that the form does not hold already.
  function differs(form, values) {
    for (const [id, control] of controls(form)) {
      const type = control.tagName === "TEXTAREA" ? "textarea" : control.type;
      if (TEXT_TYPES.has(type) && normal(values[id]) !== "" && normal(values[id]) !== normal(control.value)) {
        return true;
      }
    }
    return false;
  }

  async function save(form) {
    const state = forms.get(form);
    clearTimeout(state.timer);
    state.timer = null;
    const token = form.querySelector(`input[name="${SUBMISSION}"]`)?.value ?? "";
    const sealed = await seal({ form: state.id, values: valuesOf(form) });
    state.name ??= `${mine}${crypto.getRandomValues(new Uint32Array(2)).join("")}`;
    try {
      localStorage.setItem(state.name, JSON.stringify({ saved: Date.now(), token, ...sealed }));
    } catch {
      // Storage full or refused: the form itself still holds the text.
    }
  }

  function showOffer(form, found) {
    const state = forms.get(form);
    const offer = document.getElementById("draft-offer").content.firstElementChild.cloneNode(true);
    const time = offer.querySelector("[data-draft-saved]");
    const saved = new Date(found.saved);
    time.dateTime = saved.toISOString();
    time.textContent = saved.toLocaleString(document.documentElement.lang || undefined, {
      dateStyle: "short",
      timeStyle: "short",
    });
    const status = offer.querySelector("[data-draft-found]");
    const done = (focusOn) => {
      offer.remove();
      state.offer = null;
      focusOn?.focus();
    };
    offer.querySelector("[data-draft-restore]").addEventListener("click", () => {
      if (state.name) remove(state.name); // what was typed before taking the draft up
      for (const older of found.older) remove(older);
      fill(form, found.values);
      state.name = found.name;
      save(form);
      done(form.querySelector("textarea"));
    });
    offer.querySelector("[data-draft-discard]").addEventListener("click", () => {
      remove(found.name);
      for (const older of found.older) remove(older);
      done(form.querySelector("textarea"));
    });
    state.offer = offer;
    form.before(offer);
    // Filled once in place, so that screen readers announce it.
    requestAnimationFrame(() => {
      status.textContent = status.dataset.draftFound;
    });
  }

  async function offerBack(form) {
    const state = forms.get(form);
    const found = [];
    for (const entry of storedEntries()) {
      if (!entry.name.startsWith(mine)) continue;
      try {
        const content = await open(entry);
        if (content.form === state.id) found.push({ name: entry.name, saved: entry.saved, values: content.values });
      } catch {
        remove(entry.name); // damaged: no key opens it
      }
    }
    if (found.length === 0) return;
    found.sort((a, b) => b.saved - a.saved);
    const [latest, ...older] = found;
    if (differs(form, latest.values)) {
      showOffer(form, { ...latest, older: older.map((entry) => entry.name) });
    } else {
      state.name = latest.name; // the form already holds it: typing goes on in the same draft
      for (const entry of older) remove(entry.name);
    }
  }

  function setUp(root) {
    const found = root instanceof HTMLFormElement ? [root] : Array.from(root.querySelectorAll?.("form") ?? []);
    for (const form of found) {
      if (forms.has(form) || !drafted(form)) continue;
      const rank = Array.from(document.forms).filter((f) => forms.has(f) && actionPath(f) === actionPath(form)).length;
      forms.set(form, { id: `${actionPath(form)}|${rank}`, name: null, timer: null, offer: null });
      offerBack(form);
    }
  }

  document.addEventListener("input", (event) => {
    const form = event.target instanceof Element ? event.target.closest("form") : null;
    const state = form && forms.get(form);
    if (!state) return;
    clearTimeout(state.timer);
    state.timer = setTimeout(() => save(form), SAVE_DELAY_MS);
  });

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (isPost(form) && actionPath(form) === logoutPath) {
      // Signing out on purpose: this account's drafts go too.
      for (const entry of storedEntries()) if (entry.name.startsWith(mine)) remove(entry.name);
      return;
    }
    // Kept until the server says the form was saved: the session may have ended meanwhile.
    if (forms.has(form) && forms.get(form).timer !== null) save(form);
  });

  // The session is ending: what is typed and not yet saved is saved before the page goes.
  document.addEventListener("filrouge:session-ending", (event) => {
    for (const [form, state] of forms) if (state.timer !== null) event.detail.pending.push(save(form));
  });

  document.addEventListener("htmx:load", (event) => setUp(event.detail.elt));
  setUp(document);
})();
