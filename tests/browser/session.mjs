// What the browser scripts share: their command line, headless Chromium,
// the checks they report, and a watch on what a page loads and blocks.
import { chromium } from "playwright-core";

/// Runs `body({ base, out, check, newPage })` in a headless Chromium, with
/// `base` and `out` from the command line (`usage` if they are missing),
/// and exits 1 if a check failed or the body threw.
export async function run(usage, body) {
  const [base, out] = process.argv.slice(2);
  if (!base || !out) {
    console.error(`usage: ${usage}`);
    process.exit(2);
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  const failures = [];
  const check = (ok, what) => {
    console.log(`${ok ? "ok" : "FAILED"}: ${what}`);
    if (!ok) failures.push(what);
  };
  // A page, and what it loaded from elsewhere than `base` (`offline`),
  // what its security policy blocked, and its script errors.
  const newPage = async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(30_000);
    const seen = { offline: [], blocked: [], errors: [] };
    page.on("console", (message) => {
      if (message.text().includes("Content Security Policy")) seen.blocked.push(message.text());
    });
    page.on("pageerror", (error) => seen.errors.push(String(error)));
    page.on("request", (request) => {
      const url = request.url();
      if (!url.startsWith(base) && !url.startsWith("blob:") && !url.startsWith("data:")) {
        seen.offline.push(url);
      }
    });
    return { page, seen };
  };
  try {
    await body({ base, out, check, newPage });
  } catch (error) {
    failures.push(String(error));
    console.error(error);
  } finally {
    await browser.close();
  }
  process.exit(failures.length === 0 ? 0 : 1);
}
