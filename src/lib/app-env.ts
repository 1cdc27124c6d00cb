/**
 * Hono environment of the app. Bindings come from `wrangler types`; request-scoped
 * variables are declared next to the middleware that sets them (ContextVariableMap).
 */
export interface AppEnv {
  Bindings: Env;
}

declare module "hono" {
  interface ContextVariableMap {
    /** Echoed or generated request id: in the X-Request-Id header, problems and logs. */
    requestId: string;
    /**
     * The user acting: the authenticated caller once authentication has run, or the user
     * a sign-in just identified. The actor of audit rows and Idempotency-Key records, and
     * the log line's userId.
     */
    userId?: string;
    /** D1 round trips this request made (set by the D1 session middleware). */
    d1RoundTrips?: number;
  }
}
