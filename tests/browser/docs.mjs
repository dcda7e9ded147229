// Opens the host's docs pages in headless Chromium and uses them as a person
// would: every component's operations are listed in Swagger UI, "Try it out"
// on POST /items sends a valid and an invalid body and shows 201 and 422, and
// ReDoc lists the operations. Screenshots go to the output folder.
//
// Usage: node docs.mjs <base url> <output folder>
import { run } from "./session.mjs";

await run("node docs.mjs <base url> <output folder>", async ({ base, out, check, newPage }) => {
  const { page, seen } = await newPage();
  const { offline, blocked } = seen;

  await page.goto(`${base}/docs`);
  await page.waitForSelector(".opblock");
  for (const path of ["/hello", "/hello/{name}", "/items", "/items/{item_id}", "/account/me", "/account/usage"]) {
    const shown = await page.locator(`.opblock-summary-path[data-path="${path}"]`).count();
    check(shown > 0, `Swagger UI lists ${path}`);
  }
  for (const tag of ["hello", "items", "account"]) {
    check((await page.locator(`#operations-tag-${tag}`).count()) === 1, `Swagger UI shows the ${tag} tag`);
  }
  await page.screenshot({ path: `${out}/docs.png` });

  const post = page.locator("#operations-items-create_item");
  await post.locator(".opblock-summary").click();
  await post.locator("button.try-out__btn").click();
  const send = async (body) => {
    await post.locator("textarea.body-param__text").fill(body);
    await post.locator("button.execute").click();
    const status = post.locator(".live-responses-table .response .response-col_status").first();
    await status.waitFor();
    const text = (await status.innerText()).trim();
    const shown = await post.locator(".live-responses-table").first().innerText();
    return { status: text, shown };
  };
  const created = await send('{"name": "hammer", "price": 9.5}');
  check(created.status.startsWith("201"), `Try it out with a valid item answers 201 (saw ${created.status})`);
  check(created.shown.includes("hammer"), "the 201 body shows the item");
  await post.locator("button.btn-clear").click().catch(() => {});
  const rejected = await send('{"name": "", "price": 0}');
  check(rejected.status.startsWith("422"), `Try it out with an invalid item answers 422 (saw ${rejected.status})`);
  check(rejected.shown.includes("string_too_short"), "the 422 body shows the validation errors");
  await page.screenshot({ path: `${out}/docs-try-it-out.png`, fullPage: true });

  // "Authorize": log in with the OAuth2 password flow at the host's token
  // endpoint, then call a protected route with the token.
  const me = page.locator("#operations-account-me");
  await me.locator(".opblock-summary").click();
  await me.locator("button.try-out__btn").click();
  await me.locator("button.execute").click();
  const anonymous = me.locator(".live-responses-table .response .response-col_status").first();
  await anonymous.waitFor();
  check((await anonymous.innerText()).trim().startsWith("401"), "GET /account/me without logging in answers 401");
  await page.locator(".auth-wrapper button.authorize").first().click();
  const modal = page.locator(".dialog-ux .modal-ux");
  await modal.locator("#oauth_username").first().fill("alice");
  await modal.locator("#oauth_password").first().fill("wonderland");
  await modal.locator("button.modal-btn.auth.authorize").first().click();
  await modal.locator("button.modal-btn.auth", { hasText: "Logout" }).first().waitFor();
  await page.screenshot({ path: `${out}/docs-authorized.png` });
  await modal.locator("button.close-modal").click();
  await me.locator("button.btn-clear").click().catch(() => {});
  await me.locator("button.execute").click();
  const authorized = me.locator(".live-responses-table .response .response-col_status").first();
  await authorized.waitFor();
  const meStatus = (await authorized.innerText()).trim();
  const meShown = await me.locator(".live-responses-table").first().innerText();
  check(meStatus.startsWith("200"), `after "Authorize", GET /account/me answers 200 (saw ${meStatus})`);
  check(meShown.includes("alice"), "the 200 body shows the logged-in user");

  await page.goto(`${base}/redoc`);
  await page.locator("h2", { hasText: "Create an item." }).first().waitFor();
  for (const summary of ["Say hello.", "Read one item.", "List items, a page at a time."]) {
    check((await page.locator("h2", { hasText: summary }).count()) > 0, `ReDoc shows "${summary}"`);
  }
  await page.screenshot({ path: `${out}/redoc.png` });
  check(offline.length === 0, `the pages load nothing from elsewhere (${offline.join(", ")})`);
  check(blocked.length === 0, `the pages' security policy blocks nothing they need (${blocked.join("; ")})`);
});
