// Opens the graphql example's GraphiQL in headless Chromium and runs a
// query as a person would: the page loads with nothing from outside the
// host and no Content-Security-Policy violation, the schema's types show in
// the documentation explorer (GraphiQL's introspection worked), and the
// query typed into the editor answers with the book added beforehand.
//
// Usage: node graphiql.mjs <base url> <output folder>
import { run } from "./session.mjs";

await run("node graphiql.mjs <base url> <output folder>", async ({ base, out, check, newPage }) => {
  const title = `Kindred ${Date.now()}`;
  const added = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      query: "mutation($t: String!) { addBook(title: $t, authorName: \"Octavia E. Butler\") { id } }",
      variables: { t: title },
    }),
  });
  check(added.status === 200, `a book is added first (${added.status})`);

  const { page, seen } = await newPage();
  const { offline, blocked, errors } = seen;

  await page.goto(`${base}/graphql/graphiql`);
  await page.waitForSelector(".graphiql-container");
  await page.locator(".graphiql-query-editor .CodeMirror").first().waitFor();

  // The documentation explorer lists the schema's root types once
  // GraphiQL's introspection query has been answered.
  await page.locator('button[aria-label="Show Documentation Explorer"]').click();
  const explorer = page.locator(".graphiql-doc-explorer");
  await explorer.getByText("Query", { exact: false }).first().waitFor();
  check((await explorer.innerText()).includes("mutation"), "the explorer shows the mutation type");

  // Type a query into the editor and run it.
  await page.evaluate(() => {
    const editor = document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror;
    editor.setValue("{ books { title author { name } } }");
  });
  await page.locator("button.graphiql-execute-button").click();
  const result = page.locator(".result-window");
  await result.getByText(title).waitFor();
  const shown = await result.innerText();
  check(shown.includes(title) && shown.includes("Octavia E. Butler"), "the result shows the book and its author");
  await page.screenshot({ path: `${out}/graphiql.png` });

  check(offline.length === 0, `nothing is loaded from outside the host (${offline.join(", ")})`);
  check(blocked.length === 0, `no Content-Security-Policy violation (${blocked.join(" | ")})`);
  check(errors.length === 0, `no script error (${errors.join(" | ")})`);
});
