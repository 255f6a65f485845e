/* The commune picker (referentials/commune_widget.html): choosing a commune found by its postal
   code or name fills the postal code and the commune fields together. The status beside it
   (`results_status`) says how many communes were found (the search's answer updates it out of
   band), then what was filled, for screen readers too. */
(() => {
  "use strict";

  const CHOICE = "select[data-commune-choice]";

  function statusOf(select) {
    return document.getElementById(select.getAttribute("aria-describedby"));
  }

  document.addEventListener("change", (event) => {
    const select = event.target.closest?.(CHOICE);
    if (!select) return;
    const option = select.selectedOptions[0];
    if (!option || !option.value) return;
    const postalCode = document.getElementById(select.dataset.postalCode);
    const city = document.getElementById(select.dataset.city);
    if (postalCode) postalCode.value = option.value;
    if (city) city.value = option.dataset.city;
    statusOf(select).textContent = option.textContent;
  });
})();
