/**
 * Signing in and calling the API as the signed-in user. Tokens live in sessionStorage:
 * this tab only, gone when it closes, and never sent anywhere but this origin's API.
 * A 401 on a call refreshes the tokens once (POST /auth/refresh) and retries; calls made
 * together share that refresh, since a refresh token presented twice is a reuse, which
 * ends the session (src/auth/sessions.ts).
 */
const KEY = "dashboard.tokens";

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  user: { id: string; email: string; role: string };
}

/** An RFC 9457 problem the API answered with, or a network failure. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }
}

export const stored = (): Tokens | null => {
  const text = sessionStorage.getItem(KEY);
  return text ? (JSON.parse(text) as Tokens) : null;
};
const store = (tokens: Tokens | null) =>
  tokens ? sessionStorage.setItem(KEY, JSON.stringify(tokens)) : sessionStorage.removeItem(KEY);

async function problemOf(response: Response): Promise<ApiProblem> {
  try {
    const body = (await response.json()) as { title?: string; detail?: string };
    return new ApiProblem(response.status, body.title ?? response.statusText, body.detail);
  } catch {
    return new ApiProblem(response.status, `HTTP ${response.status}`);
  }
}

async function postJson(path: string, body: unknown): Promise<Response> {
  return fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Accept-Language": "es" },
    body: JSON.stringify(body),
  });
}

export async function signIn(email: string, password: string): Promise<Tokens> {
  const response = await postJson("/api/v1/auth/login", { email, password });
  if (!response.ok) throw await problemOf(response);
  const tokens = (await response.json()) as Tokens;
  store(tokens);
  return tokens;
}

export async function signOut(): Promise<void> {
  const tokens = stored();
  store(null);
  if (tokens) await postJson("/api/v1/auth/logout", { refreshToken: tokens.refreshToken });
}

async function refresh(): Promise<Tokens | null> {
  const tokens = stored();
  if (!tokens) return null;
  const response = await postJson("/api/v1/auth/refresh", { refreshToken: tokens.refreshToken });
  if (!response.ok) {
    store(null);
    return null;
  }
  const next = (await response.json()) as Tokens;
  store(next);
  return next;
}

/** The refresh in flight, shared by every call that meets a 401 while it runs. */
let refreshing: Promise<Tokens | null> | null = null;
function refreshed(): Promise<Tokens | null> {
  refreshing ??= refresh().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** A call as the signed-in user; a 401 refreshes the tokens once and retries. */
export async function authorized(path: string, init: RequestInit = {}): Promise<Response> {
  const send = (tokens: Tokens) =>
    fetch(path, {
      ...init,
      headers: {
        ...init.headers,
        Authorization: `Bearer ${tokens.accessToken}`,
        "Accept-Language": "es",
      },
    });
  const tokens = stored();
  if (!tokens) throw new ApiProblem(401, "Sesión cerrada");
  let response = await send(tokens);
  if (response.status === 401) {
    // Tokens another call refreshed since this one was sent are simply used.
    const latest = stored();
    const next = latest && latest.accessToken !== tokens.accessToken ? latest : await refreshed();
    if (!next) throw new ApiProblem(401, "La sesión expiró; vuelve a iniciar sesión");
    response = await send(next);
  }
  if (!response.ok) throw await problemOf(response);
  return response;
}
