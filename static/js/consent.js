/* The consent banner without a page reload. Without JavaScript the same form posts and the
   server answers 303 back to the page; this script only improves on that. */
(function () {
  "use strict";

  function reveal(form, customize) {
    var choices = form.querySelector("[data-consent-choices]");
    var save = form.querySelector("[data-consent-save]");
    choices.hidden = false;
    customize.setAttribute("aria-expanded", "true");
    customize.hidden = true;
    if (save) { save.hidden = false; }
    var first = choices.querySelector("input");
    if (first) { first.focus(); }
  }

  function announce(message) {
    var status = document.createElement("p");
    status.className = "notice notice--success consent-saved";
    status.setAttribute("role", "status");
    status.setAttribute("data-testid", "consent-saved");
    status.textContent = message;
    var main = document.getElementById("innhold");
    main.insertBefore(status, main.firstChild);
  }

  function startStatistics() {  // what the server includes in pages from now on
    if (document.querySelector("script[src$='/clickstream.js']")) { return; }
    var script = document.createElement("script");
    script.src = "/static/js/clickstream.js";
    document.head.appendChild(script);
  }

  function submitWithoutScript(form, submitter) {
    var field = document.createElement("input");
    field.type = "hidden";
    field.name = submitter.name;
    field.value = submitter.value;
    form.appendChild(field);
    form.submit();
  }

  document.querySelectorAll("[data-consent-form]").forEach(function (form) {
    var banner = form.closest("[data-consent-banner]");
    var customize = form.querySelector("[data-consent-customize]");
    if (customize) {
      customize.addEventListener("click", function (event) {
        event.preventDefault();
        reveal(form, customize);
      });
    }
    if (!banner) { return; }  // the settings pages post normally and come back showing the new state

    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      if (!submitter || !window.fetch || !window.FormData) { return; }
      event.preventDefault();
      var body = new FormData(form);
      body.append(submitter.name, submitter.value);
      fetch(form.action, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        if (!response.ok) { throw new Error("consent not saved: " + response.status); }
        return response.json();
      }).then(function (result) {
        var hadFocus = banner.contains(document.activeElement);
        banner.remove();
        announce(result.message);
        if (hadFocus) { document.getElementById("innhold").focus(); }
        if (result.in_effect.indexOf("statistics") !== -1) { startStatistics(); }
        document.dispatchEvent(new CustomEvent("bkm:consent", { detail: result }));
      }).catch(function () {
        submitWithoutScript(form, submitter);
      });
    });
  });
})();
