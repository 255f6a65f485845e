/* The session's countdown, on signed-in pages (the server's rules: accounts/sessions.py).

   A few minutes before the session ends, a dialog says how long is left, with "Rester connecté".
   Typing in a form tells the server the user is there, at most once per interval: only real
   input does, so a session left idle still ends. At the end, the page asks the server, which
   signs the session out, and goes to the login page, which brings the user back here (drafts.js
   has kept what was typed). The tabs of one browser share what each learns of the end. */
(() => {
  "use strict";

  const tools = document.getElementById("unsaved-work");
  const dialog = document.getElementById("session-dialog");
  if (!tools || !dialog || typeof dialog.showModal !== "function") return;

  const SHARED = "filrouge.session-end"; // localStorage: the end as the last tab heard it
  const statusUrl = tools.dataset.sessionUrl;
  const loginUrl = tools.dataset.loginUrl;
  const csrfToken = tools.dataset.csrfToken;
  const idleMs = Number(tools.dataset.idle) * 1000;
  const warningMs = Number(tools.dataset.warning) * 1000;
  // Often enough that typing keeps the session alive, seldom enough to cost nothing.
  const pingEveryMs = Math.min(60_000, idleMs / 4);
  const RETRY_MS = 5_000;

  const countdown = dialog.querySelector("[data-session-countdown]");
  const label = dialog.querySelector("[data-session-label]");
  const announce = dialog.querySelector("[data-session-announce]");
  const error = dialog.querySelector("[data-session-error]");
  const stay = dialog.querySelector("[data-session-stay]");
  const close = dialog.querySelector("[data-session-close]");

  let end = Date.now() + Number(tools.dataset.remaining) * 1000;
  let final = tools.dataset.final === "true";
  let lastContact = Date.now();
  let timer = null;
  let ticker = null;
  let pingTimer = null;
  let typed = false;
  let ending = false;
  let dismissed = false; // a final warning read and closed: the end still comes, without the dialog
  let announced = null;
  let returnFocus = null;

  const left = () => end - Date.now();

  function format(ms) {
    const seconds = Math.max(0, Math.ceil(ms / 1000));
    const minutes = Math.floor(seconds / 60);
    const rest = seconds % 60;
    return minutes > 0 ? `${minutes} min ${String(rest).padStart(2, "0")} s` : `${rest} s`;
  }

  // The next step: the warning, or (warning already given) the end itself.
  function schedule() {
    clearTimeout(timer);
    if (ending) return;
    if (left() > warningMs) {
      timer = setTimeout(check, left() - warningMs);
    } else if (dismissed) {
      timer = setTimeout(expire, Math.max(0, left()));
    } else {
      warn();
    }
  }

  // What the server says now wins over what this page computed (another tab may have been used).
  function adopt(remainingSeconds, isFinal, share = true) {
    end = Date.now() + remainingSeconds * 1000;
    final = isFinal;
    if (share) {
      try {
        localStorage.setItem(SHARED, JSON.stringify({ end, final }));
      } catch {
        // Storage refused (private mode, quota): each tab keeps its own count.
      }
    }
    if (left() > warningMs) {
      dismissed = false;
      if (dialog.open) hide();
    }
    schedule();
  }

  async function ask(method) {
    const response = await fetch(statusUrl, {
      method,
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken },
    });
    if (response.status === 401) return null;
    if (!response.ok) throw new Error(`session status ${response.status}`);
    lastContact = Date.now();
    return response.json();
  }

  async function check() {
    try {
      const state = await ask("GET");
      if (state === null) return leave();
      adopt(state.remaining, state.final);
    } catch {
      schedule(); // the server did not answer: go by this page's count
    }
  }

  function render() {
    const ms = left();
    countdown.textContent = format(ms);
    for (const text of dialog.querySelectorAll("[data-session-case]")) {
      text.hidden = text.dataset.sessionCase !== (final ? "final" : "idle");
    }
    if (stay.hidden !== final) {
      stay.hidden = final;
      close.hidden = !final;
      if (dialog.open) (final ? close : stay).focus();
    }
    // A screen reader hears the time left once a minute, then at 30 seconds: not every second.
    const step = ms > 60_000 ? Math.ceil(ms / 60_000) : ms > 30_000 ? "1" : "30s";
    if (step !== announced) {
      announced = step;
      if (dialog.open) announce.textContent = `${label.textContent} ${format(ms)}`;
    }
    if (ms <= 0) expire();
  }

  function warn() {
    if (!dialog.open) {
      returnFocus = document.activeElement;
      error.hidden = true;
      announced = null;
      stay.hidden = final;
      close.hidden = !final;
      dialog.showModal();
      (final ? close : stay).focus();
    }
    render();
    clearInterval(ticker);
    ticker = setInterval(render, 1000);
  }

  function hide() {
    clearInterval(ticker);
    dialog.close();
    if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
  }

  async function expire() {
    clearInterval(ticker);
    clearTimeout(timer);
    try {
      const state = await ask("GET"); // signs the session out when it has ended
      if (state === null) return leave();
      adopt(state.remaining, state.final);
    } catch {
      error.hidden = false;
      timer = setTimeout(expire, RETRY_MS);
    }
  }

  async function stayHere() {
    try {
      const state = await ask("POST");
      if (state === null) return leave();
      error.hidden = true;
      adopt(state.remaining, state.final);
    } catch {
      error.hidden = false;
    }
  }

  // Signed out by the server: what is typed is saved first, then the login page, then back here.
  async function leave() {
    if (ending) return;
    ending = true;
    clearInterval(ticker);
    clearTimeout(timer);
    const pending = [];
    document.dispatchEvent(new CustomEvent("filrouge:session-ending", { detail: { pending } }));
    await Promise.allSettled(pending);
    const next = location.pathname + location.search;
    location.assign(`${loginUrl}?next=${encodeURIComponent(next)}`);
  }

  // Typing in a form is activity; a script's own changes (isTrusted false) are not.
  document.addEventListener(
    "input",
    (event) => {
      if (!event.isTrusted || !(event.target instanceof Element) || !event.target.closest("form")) return;
      typed = true;
      if (pingTimer !== null) return;
      pingTimer = setTimeout(
        () => {
          pingTimer = null;
          if (!typed) return;
          typed = false;
          stayHere();
        },
        Math.max(0, lastContact + pingEveryMs - Date.now()),
      );
    },
    true,
  );

  stay.addEventListener("click", stayHere);
  close.addEventListener("click", () => {
    dismissed = true;
    hide();
    schedule();
  });
  // Escape closes the dialog: before the final end, the person is plainly there, so it counts
  // as "Rester connecté"; at the final end, as "Fermer".
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    (final ? close : stay).click();
  });

  window.addEventListener("storage", (event) => {
    if (event.key !== SHARED || !event.newValue || ending) return;
    try {
      const shared = JSON.parse(event.newValue);
      if (shared.end > end) adopt((shared.end - Date.now()) / 1000, shared.final, false);
    } catch {
      // Not ours to read: ignored.
    }
  });
  // A tab in the background may have had its timers slowed down: count again on return.
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && !ending && left() <= warningMs) check();
  });

  schedule();
})();
