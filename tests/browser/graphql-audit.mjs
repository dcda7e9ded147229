// Runs graphql-http's audits of the GraphQL-over-HTTP specification against
// an endpoint, and fails on any that does not pass (MUST, SHOULD or MAY).
//
// Usage: node graphql-audit.mjs <endpoint url>
import { auditServer } from "graphql-http";

const [url] = process.argv.slice(2);
if (!url) {
  console.error("usage: node graphql-audit.mjs <endpoint url>");
  process.exit(2);
}
const results = await auditServer({ url });
const failed = results.filter((result) => result.status !== "ok");
for (const result of failed) {
  console.log(`${result.status}: ${result.id} ${result.name}: ${result.reason}`);
}
console.log(`${results.length} audits, ${results.length - failed.length} passed`);
process.exit(failed.length === 0 && results.length > 0 ? 0 : 1);
