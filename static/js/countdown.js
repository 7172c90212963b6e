// Keeps the home page's "time left" to each deadline current while the page stays open.
// The server already wrote the text (the page works without this script); the browser's Intl
// gives the units in the page's language with its plural forms (5 dni, 2 dni, 1 dzień).
(function () {
  "use strict";
  var lang = document.documentElement.lang || "pl";
  function unit(name, value) {
    return new Intl.NumberFormat(lang, { style: "unit", unit: name, unitDisplay: "long" }).format(value);
  }
  function describe(ms) {
    var minutes = Math.floor(ms / 60000);
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    if (days > 0) { return hours > 0 ? unit("day", days) + ", " + unit("hour", hours) : unit("day", days); }
    if (hours > 0) { return unit("hour", hours) + ", " + unit("minute", minutes % 60); }
    return unit("minute", Math.max(minutes, 0));
  }
  function update() {
    document.querySelectorAll("[data-deadline]").forEach(function (element) {
      var left = Date.parse(element.getAttribute("data-deadline")) - Date.now();
      if (!isNaN(left)) { element.textContent = describe(left); }
    });
  }
  if (window.Intl && Intl.NumberFormat) { update(); setInterval(update, 60000); }
})();
