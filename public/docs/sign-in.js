// The sign-in box above Swagger UI (index.html). Signs in with POST /api/v1/auth/login and
// authorises "Try it out" with the access token (scheme bearerAuth). The tokens live in this
// closure only, never in localStorage, sessionStorage or a cookie: reloading or closing the
// tab forgets them. Runs after init.js, which creates window.ui.
(() => {
  const SCHEME = "bearerAuth";
  const AUTH = "/api/v1/auth";

  const form = document.getElementById("sign-in");
  const fields = document.getElementById("sign-in-fields");
  const email = document.getElementById("sign-in-email");
  const password = document.getElementById("sign-in-password");
  const signInButton = document.getElementById("sign-in-submit");
  const signOutButton = document.getElementById("sign-out");
  const status = document.getElementById("sign-in-status");

  /** { refreshToken, expiry } while signed in through this box. */
  let session = null;
  /** A sign-in or sign-out is under way; further clicks wait for it. */
  let busy = false;

  /** Puts a message in the live region; `english` (a translation, or the API's own words)
   * follows it, marked lang="en". */
  function say(message, { error = false, english } = {}) {
    status.textContent = message;
    if (english) {
      const span = document.createElement("span");
      span.lang = "en";
      span.textContent = english;
      status.append(" ", span);
    }
    status.classList.toggle("is-error", error);
  }

  // Not `disabled`: that would drop the focus from the button just pressed.
  function setBusy(value) {
    busy = value;
    form.setAttribute("aria-busy", String(value));
    signInButton.setAttribute("aria-disabled", String(value));
    signOutButton.setAttribute("aria-disabled", String(value));
  }

  function showSignedIn(signedIn) {
    // Focus follows only if it was in the box: an expiring token must not pull it away.
    const hadFocus = form.contains(document.activeElement);
    fields.hidden = signedIn;
    signOutButton.hidden = !signedIn;
    if (hadFocus) (signedIn ? signOutButton : email).focus();
  }

  function post(path, body) {
    return fetch(`${AUTH}/${path}`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json, application/problem+json",
      },
      body: JSON.stringify(body),
      cache: "no-store",
    });
  }

  /** "title: detail" from a problem+json answer, or the bare status if it is not one. */
  async function problemText(response) {
    const problem = await response.json().catch(() => ({}));
    if (typeof problem.title !== "string") return `HTTP ${response.status}`;
    return problem.detail ? `${problem.title}: ${problem.detail}` : problem.title;
  }

  async function signIn() {
    setBusy(true);
    say("Iniciando sesión…", { english: "Signing in…" });
    try {
      const response = await post("login", { email: email.value, password: password.value });
      if (!response.ok) {
        say("No se pudo iniciar sesión.", { error: true, english: await problemText(response) });
        password.select();
        return;
      }
      const tokens = await response.json();
      window.ui.authActions.authorize({
        [SCHEME]: {
          name: SCHEME,
          schema: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
          value: tokens.accessToken,
        },
      });
      session = {
        refreshToken: tokens.refreshToken,
        // Access tokens last minutes and this box does not refresh them: when one lapses,
        // end the session rather than leave "Try it out" sending a dead token.
        expiry: setTimeout(
          () =>
            signOut(["El token expiró; inicia sesión de nuevo.", "Token expired; sign in again."]),
          tokens.expiresIn * 1000,
        ),
      };
      password.value = "";
      showSignedIn(true);
      const who = `${tokens.user.email} (${tokens.user.role})`;
      say(`Sesión iniciada como ${who}; «Try it out» envía el token.`, {
        english: `Signed in as ${who}; “Try it out” sends the token.`,
      });
    } catch {
      say("No se pudo contactar la API.", { error: true, english: "Could not reach the API." });
    } finally {
      setBusy(false);
    }
  }

  /** `message` is [Spanish, English]. */
  async function signOut(message = ["Sesión cerrada.", "Signed out."]) {
    const [spanish, english] = message;
    const ending = session;
    session = null;
    // Forget the token here first, so nothing else is sent with it whatever the server says.
    window.ui.authActions.logout([SCHEME]);
    showSignedIn(false);
    if (!ending) return say(spanish, { english });
    clearTimeout(ending.expiry);
    setBusy(true);
    try {
      const response = await post("logout", { refreshToken: ending.refreshToken });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      say(spanish, { english });
    } catch {
      say("Token olvidado aquí, pero la API no confirmó el cierre de la sesión.", {
        error: true,
        english: "Token forgotten here, but the API did not confirm the sign-out.",
      });
    } finally {
      setBusy(false);
    }
  }

  form.addEventListener("submit", (event) => {
    // Never a real submission (the CSP's form-action 'none' would refuse it anyway).
    event.preventDefault();
    if (!busy) signIn();
  });
  signOutButton.addEventListener("click", () => {
    if (!busy) signOut();
  });
})();
