/* After a form sent with errors, the focus goes to the summary of its errors
   (includes/error_summary.html), so that it is read first and its links lead to each field.
   The same when htmx swaps in the answer to a form sent; not after a search typed, where the
   focus stays in the search box. */
(() => {
  "use strict";

  // Every summary of errors that may take the focus, the shared include and the pages' own.
  const SUMMARY = ".error-summary[tabindex=\"-1\"]";

  function focusSummary(root) {
    const summary = root.matches?.(SUMMARY) ? root : root.querySelector?.(SUMMARY);
    if (summary) summary.focus();
  }

  document.addEventListener("DOMContentLoaded", () => focusSummary(document));
  document.addEventListener("htmx:afterSettle", (event) => {
    if ((event.detail.requestConfig?.verb ?? "get") !== "get") focusSummary(event.detail.elt ?? event.target);
  });
})();
