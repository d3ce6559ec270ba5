// Starts Swagger UI on the API's schema (templates: api/docs.html). Kept out of the page:
// the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  var target = document.getElementById("swagger-ui");
  if (!target || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: target.getAttribute("data-schema-url"),
    domNode: target,
    deepLinking: true,
    persistAuthorization: false,
  });
})();
