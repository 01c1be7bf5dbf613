// Screenshots of the admin console page "Assumable roles" for docs/admin-console.md, taken in a real Chromium.
//
//   ./mvnw -Prun &                      # http://localhost:8080, admin/admin, --features=declarative-ui
//   cd /tmp && npm i playwright-core    # no browser download: Debian's chromium is used
//   NODE_PATH=/tmp/node_modules node docs/tools/screenshot-admin-console.mjs
//
// Adds a second demo role (oss-reader) to company-a through the admin REST API so the list has more than one row,
// and removes it again at the end. Environment: KC_URL, KC_REALM, CHROMIUM, OUT_DIR.
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");

const base = process.env.KC_URL ?? "http://localhost:8080";
const realm = process.env.KC_REALM ?? "company-a";
const out = process.env.OUT_DIR ?? path.join(path.dirname(new URL(import.meta.url).pathname), "..", "img");
const page = "Assumable roles";

async function adminToken() {
  const response = await fetch(`${base}/realms/master/protocol/openid-connect/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "password", client_id: "admin-cli", username: "admin", password: "admin" }),
  });
  return (await response.json()).access_token;
}

async function sts(method, pathAndQuery, body) {
  const response = await fetch(`${base}/admin/realms/${realm}/sts${pathAndQuery}`, {
    method,
    headers: { Authorization: `Bearer ${await adminToken()}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.status;
}

const demoRole = {
  roleName: "oss-reader",
  description: "Read-only OSS access for company-b's auditors, with an external ID",
  maxSessionDuration: 7200,
  trustPolicy: {
    Version: "1",
    Statement: [{
      Effect: "Allow", Action: "sts:AssumeRole",
      Principal: { RAM: ["acs:ram::12345678:root", "acs:ram::87654321:user/alice"] },
      Condition: { StringEquals: { "sts:ExternalId": "audit-2026" } },
    }],
  },
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run"],
});
const created = await sts("POST", "/roles", demoRole);
try {
  if (created === 201) {
    await sts("POST", "/roles/oss-reader/policies", { policyName: "AliyunECSFullAccess" });
  }
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: "en-US" });
  const tab = await context.newPage();
  const listUrl = `${base}/admin/master/console/#/${realm}/page-section/${encodeURIComponent(page)}`;
  await tab.goto(listUrl);
  await tab.locator("#username").fill("admin");
  await tab.locator("#password").fill("admin");
  await tab.locator("#kc-login").click();
  await tab.getByRole("link", { name: "ecs-admin" }).waitFor({ timeout: 60_000 });
  await tab.getByRole("link", { name: "oss-reader" }).waitFor({ timeout: 10_000 }).catch(() => {});
  await tab.waitForTimeout(500);
  await tab.screenshot({ path: path.join(out, "admin-console-roles.png") });
  console.log("list:", path.join(out, "admin-console-roles.png"));

  await tab.getByRole("link", { name: "ecs-admin" }).click();
  const trustPolicy = tab.locator("textarea").first();
  await trustPolicy.waitFor({ timeout: 30_000 });
  // As an admin dragging the text area's corner: the whole policy in view.
  await trustPolicy.evaluate((area) => { area.style.height = `${area.scrollHeight + 4}px`; });
  await tab.setViewportSize({ width: 1440, height: 1150 });
  await tab.waitForTimeout(500);
  await tab.screenshot({ path: path.join(out, "admin-console-role-edit.png"), fullPage: true });
  console.log("form:", path.join(out, "admin-console-role-edit.png"));

  // A refused save: the REST API's message, with the JSON path of the fault. Nothing is written.
  if (created === 201) {
    await tab.goto(listUrl);
    await tab.getByRole("link", { name: "oss-reader" }).click();
    await trustPolicy.waitFor({ timeout: 30_000 });
    await trustPolicy.fill(JSON.stringify({ ...demoRole.trustPolicy, Statement: [{
      ...demoRole.trustPolicy.Statement[0], Principal: { RAM: ["acs:ram::12345678:root", "company-b"] } }] }, null, 2));
    await trustPolicy.evaluate((area) => { area.style.height = `${area.scrollHeight + 4}px`; });
    await tab.getByTestId("save").click();
    await tab.getByText("trustPolicy.Statement[0].Principal.RAM[1]").waitFor({ timeout: 15_000 });
    await tab.screenshot({ path: path.join(out, "admin-console-role-error.png"), fullPage: true });
    console.log("refused:", path.join(out, "admin-console-role-error.png"));

    // Deleting a role that still has a policy attached: refused, as DELETE /sts/roles/{roleName} is.
    await tab.setViewportSize({ width: 1440, height: 900 });
    await tab.goto(listUrl);
    await tab.reload(); // without the alert of the refused save
    const row = tab.locator("tr", { hasText: "oss-reader" });
    await row.locator("td:last-child button").first().click();
    await tab.getByRole("menuitem", { name: "Delete" }).click();
    await tab.getByRole("button", { name: "Delete" }).last().click();
    await tab.getByText("DeleteConflict.Role.Policy").waitFor({ timeout: 15_000 });
    await tab.screenshot({ path: path.join(out, "admin-console-delete-refused.png") });
    console.log("delete refused:", path.join(out, "admin-console-delete-refused.png"));
  }
} finally {
  if (created === 201) {
    await sts("DELETE", "/roles/oss-reader/policies/AliyunECSFullAccess");
    await sts("DELETE", "/roles/oss-reader");
  }
  await browser.close();
}
