/* Every POST form is sent once (the server's side: core/idempotency.py).

   Each POST form gets a random token (`_submission`) when it appears, content swapped in by htmx
   included. The server saves the token with the record, and answers the same token sent again
   with the first answer. While the form is sent, its buttons are disabled; they come back when
   the page stays (a download, a stopped request, the back button). */
(() => {
  "use strict";

  const FIELD = "_submission";
  const SAVED_COOKIE = "filrouge_saved";
  // A form still in place this long after it was sent (a file downloaded, a request stopped)
  // can be sent again; its token is unchanged, so the server still saves it only once.
  const RELEASE_AFTER_MS = 20_000;
  const releases = new WeakMap();

  function newToken() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  const isPost = (form) => (form.getAttribute("method") || "").toLowerCase() === "post";
  const tokenInput = (form) => form.querySelector(`input[type="hidden"][name="${FIELD}"]`);

  const formsIn = (root) =>
    root instanceof HTMLFormElement ? [root] : Array.from(root.querySelectorAll?.("form") ?? []);

  function equip(root) {
    const forms = formsIn(root);
    for (const form of forms) {
      if (!isPost(form) || tokenInput(form)) continue;
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = FIELD;
      input.value = newToken();
      form.append(input);
    }
  }

  const disabledHere = new WeakSet(); // buttons this script disabled, the only ones it enables

  function setSending(form, sending) {
    clearTimeout(releases.get(form));
    for (const control of form.elements) {
      if (control.type !== "submit" && control.type !== "image") continue;
      if (sending && !control.disabled) {
        control.disabled = true;
        disabledHere.add(control);
      } else if (!sending && disabledHere.delete(control)) {
        control.disabled = false;
      }
    }
    if (sending) {
      form.dataset.sending = "true";
      form.setAttribute("aria-busy", "true");
      releases.set(form, setTimeout(() => setSending(form, false), RELEASE_AFTER_MS));
    } else {
      delete form.dataset.sending;
      form.removeAttribute("aria-busy");
    }
  }

  // Listening on the document: other handlers of the form have run, and may have cancelled it.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !isPost(form) || event.defaultPrevented) return;
    if (form.dataset.sending === "true") {
      event.preventDefault(); // Enter pressed again in a field: the form is already on its way
      return;
    }
    // Disabled once the browser has read the form: a disabled button would not send its name.
    form.dataset.sending = "true";
    setTimeout(() => setSending(form, true), 0);
  });

  // Back to this page from the browser's history: its forms can be used again. A form that was
  // saved meanwhile is a new form now (a new token), not the same one sent twice.
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    const saved = new Set(
      (document.cookie.split("; ").find((item) => item.startsWith(`${SAVED_COOKIE}=`)) || "")
        .slice(SAVED_COOKIE.length + 1)
        .split("."),
    );
    for (const form of document.forms) {
      if (!isPost(form)) continue;
      setSending(form, false);
      const input = tokenInput(form);
      if (input && saved.has(input.value)) input.value = newToken();
    }
  });

  document.addEventListener("htmx:load", (event) => equip(event.detail.elt));
  equip(document);
})();
