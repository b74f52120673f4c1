// The API page: Swagger UI over the gateway's own /openapi.json. Sign in with POST /v1/auth:login, then
// "Authorize" with the access token; requests go to this gateway.
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: false,
  tryItOutEnabled: false,
});
