// Kept out of index.html so the page runs under a CSP without 'unsafe-inline' scripts.
window.ui = SwaggerUIBundle({
  url: "/api/v1/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: false,
  // No call to the public validator service: nothing leaves the deployment's origin.
  validatorUrl: null,
  // The document names the deployment's configured address (PUBLIC_URL, never the request's
  // Host). This page is served by that same Worker, so Try it out calls the origin the page
  // came from: the CSP (connect-src 'self') allows nothing else, and `npm run dev` on
  // another host or port still works.
  requestInterceptor: (request) => {
    const url = new URL(request.url, window.location.href);
    if (url.pathname.startsWith("/api/")) {
      request.url = `${window.location.origin}${url.pathname}${url.search}`;
    }
    return request;
  },
});
