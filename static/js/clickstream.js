/* Statistics for visitors who consented to it (the server only includes this file for them):
   which product on a listing was chosen, and how long a page was looked at. No library, no
   cookies of its own, nothing read beyond this page; batches go to POST /collect. */
(function () {
  "use strict";
  var queue = [];
  var visibleSince = document.visibilityState === "visible" ? Date.now() : null;
  var shownFor = 0;

  function send() {
    if (!queue.length) { return; }
    var body = JSON.stringify({ events: queue.splice(0, 50) });
    var blob = new Blob([body], { type: "application/json" });
    if (!(navigator.sendBeacon && navigator.sendBeacon("/collect", blob))) {
      fetch("/collect", { method: "POST", body: body, keepalive: true, credentials: "same-origin",
        headers: { "Content-Type": "application/json" } }).catch(function () {});
    }
  }

  function pause() {
    if (visibleSince !== null) { shownFor += Date.now() - visibleSince; visibleSince = null; }
  }

  function leave() {
    pause();
    if (shownFor > 0) {
      queue.push({ type: "time_on_page", path: location.pathname, duration_ms: Math.round(shownFor) });
      shownFor = 0;
    }
    send();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-product-id]");
    if (link) {
      queue.push({ type: "product_click", path: location.pathname,
        product_id: parseInt(link.getAttribute("data-product-id"), 10) });
    }
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { leave(); } else { visibleSince = Date.now(); }
  });
  window.addEventListener("pagehide", leave);
})();
