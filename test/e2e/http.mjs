// One JSON call over HTTP, as an app makes it: bearer token, JSON body, and the answer's
// status, headers and parsed body (null when empty).
export async function fetchJson(url, method, { token, body, headers = {} } = {}) {
  const response = await fetch(url, {
    method,
    headers: {
      ...(token && { Authorization: `Bearer ${token}` }),
      ...(body !== undefined && { "Content-Type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : null,
  };
}
