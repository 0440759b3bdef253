/* Statistics pages: draws each figure from its JSON block with the shop's own copy of
   plotly.js (static/vendor/), so the pages need no inline script. Also keeps the period
   form honest: typing a date chooses "Egen periode", choosing a preset clears the dates. */
(function () {
  "use strict";
  var CONFIG = { displayModeBar: false, responsive: true };

  function draw(plot) {
    var source = document.getElementById(plot.getAttribute("data-figure"));
    if (!source) { return; }
    var figure = JSON.parse(source.textContent);
    window.Plotly.newPlot(plot, figure.data, figure.layout || {}, CONFIG).then(function () {
      plot.setAttribute("data-drawn", "true");
    });
  }

  function keepFormHonest() {
    var preset = document.getElementById("periode");
    var dates = [document.getElementById("fra"), document.getElementById("til")];
    if (!preset || !dates[0] || !dates[1]) { return; }
    dates.forEach(function (input) {
      input.addEventListener("input", function () {
        if (input.value) { preset.value = "egen"; }
      });
    });
    preset.addEventListener("change", function () {
      if (preset.value !== "egen") { dates.forEach(function (input) { input.value = ""; }); }
    });
  }

  function start() {
    keepFormHonest();
    if (!window.Plotly) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("[data-figure]"), draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
