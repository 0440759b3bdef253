/* Google Analytics 4 with Consent Mode v2. The server includes this file only when the shop
   has set BKM_GA_MEASUREMENT_ID and the visitor has consented to marketing. Every consent
   signal is set to denied before Google's tag loads; only analytics storage is then granted. */
(function () {
  "use strict";
  var measurementId = document.currentScript.getAttribute("data-measurement-id");
  window.dataLayer = window.dataLayer || [];
  function gtag() { window.dataLayer.push(arguments); }
  gtag("consent", "default", {
    ad_storage: "denied",
    ad_user_data: "denied",
    ad_personalization: "denied",
    analytics_storage: "denied",
    functionality_storage: "denied",
    personalization_storage: "denied",
    security_storage: "denied"
  });
  gtag("consent", "update", { analytics_storage: "granted" });
  gtag("js", new Date());
  gtag("config", measurementId, {
    anonymize_ip: true,
    allow_google_signals: false,
    allow_ad_personalization_signals: false
  });
  var tag = document.createElement("script");
  tag.async = true;
  tag.src = "https://www.googletagmanager.com/gtag/js?id=" + encodeURIComponent(measurementId);
  document.head.appendChild(tag);
})();
