// Debian's chromium driven by playwright-core (`npx playwright install` cannot download
// browsers here), and pages that record what a browser test must see none of.
import { chromium } from "playwright-core";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const launchChromium = () =>
  chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });

/**
 * A page (in a context of its own, with `options`) that records every request URL, and
 * every console error, page error, CSP violation and 404 as a problem.
 */
export async function recordingPage(browser, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const requests = [];
  const problems = [];
  page.on("request", (request) => requests.push(request.url()));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("response", (response) => {
    if (response.status() === 404) problems.push(`404: ${new URL(response.url()).pathname}`);
  });
  await page.exposeFunction("reportCspViolation", (violation) =>
    problems.push(`CSP: ${violation}`),
  );
  await page.addInitScript(() =>
    document.addEventListener("securitypolicyviolation", (event) =>
      window.reportCspViolation(`${event.violatedDirective} ${event.blockedURI}`),
    ),
  );
  return { page, requests, problems };
}

/** The requests that left this machine. */
export const foreignRequests = (requests) =>
  requests.filter(
    (url) =>
      !["localhost", "127.0.0.1"].includes(new URL(url).hostname) && !/^(data|blob):/.test(url),
  );
