// Kept out of index.html so the page runs under a CSP without 'unsafe-inline' scripts.
window.ui = SwaggerUIBundle({
  url: "/api/v1/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: false,
  // No call to the public validator service: nothing leaves the deployment's origin.
  validatorUrl: null,
});
