import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { runReplay } from "../../packages/entra-replay/src/index";
import { startQueuePoller } from "../../tools/queuePoller";
import { seriousAccessibilityViolations, startPortalBrowser, type PortalBrowser } from "../support/browser";
import { startReceiver } from "../support/webhookReceiver";

/**
 * One picture per view, same names every run. `npm run screenshots` writes them into docs/portal/ for the
 * README; any other run keeps them in the ignored .test-output/ so a test run leaves the working tree clean.
 */
const SCREENSHOTS =
  process.env.PORTAL_SCREENSHOTS_DIR ?? join(__dirname, "..", "..", ".test-output", "portal");
/** A shared 2-core machine: each step waits for what the page shows, with room to spare. */
const STEP_MS = 120_000;
const TENANT = "contoso";

async function screenshot(page: Page, name: string, secrets: Locator[] = []): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({
    path: join(SCREENSHOTS, `${name}.png`),
    fullPage: true,
    mask: secrets,
    maskColor: "#5a6270",
    animations: "disabled",
  });
}

async function goTo(page: Page, view: string, heading: string): Promise<void> {
  await page.getByRole("navigation", { name: "Portal sections" }).getByRole("link", { name: view }).click();
  await page.getByRole("heading", { level: 1, name: heading }).waitFor();
}

/** A number the page wrote after `label: ` in a chart's caption. */
function countIn(caption: string, label: string): number {
  const match = new RegExp(`${label.replace(/[()]/g, "\\$&")}: (\\d+)`).exec(caption);
  return match ? Number(match[1]) : 0;
}

describe("the self-service portal, in Chromium against the local host", () => {
  let portal: PortalBrowser;
  let page: Page;
  let origin: string;
  let tenantUrl: string;
  let secret: string;
  let token: string;

  beforeAll(async () => {
    portal = await startPortalBrowser();
    page = portal.page;
    origin = portal.host.host.origin;
    tenantUrl = `${origin}/scim/v2/${TENANT}`;
    await portal.host.services.tenants.create(TENANT);
    secret = (await portal.host.services.setupLinks.create(TENANT, 1)).secret;
  }, STEP_MS);

  afterAll(() => portal.close());

  afterEach(() => {
    // Nothing the page loaded was refused by its Content-Security-Policy, and no script failed.
    expect(portal.pageProblems).toEqual([]);
  });

  it(
    "opens the setup link: the one-time secret leaves the address bar and the Connect view names the tenant",
    async () => {
      await page.goto(`${origin}/portal/#link=${secret}`);
      await page.getByRole("heading", { level: 1, name: "Connect" }).waitFor();
      expect(page.url()).toBe(`${origin}/portal/#connect`);
      await page.getByText(`Tenant: ${TENANT}`).waitFor();
      expect(await page.getByLabel("Tenant URL", { exact: true }).inputValue()).toBe(tenantUrl);
      for (const step of [
        "Enterprise applications",
        "Provisioning Mode",
        "Admin Credentials",
        "Test Connection",
        "Save",
      ]) {
        await page.locator(".steps strong", { hasText: step }).first().waitFor();
      }
    },
    STEP_MS,
  );

  it(
    "is used from the keyboard: the skip link, the sections, a visible focus ring",
    async () => {
      const focused = () => page.evaluate<string>("document.activeElement.textContent");
      // A view takes the focus when shown; backwards from it come the sections, then the skip link.
      const backTo = async (text: string) => {
        for (let presses = 0; (await focused()) !== text; presses += 1) {
          expect(presses).toBeLessThan(10);
          await page.keyboard.press("Shift+Tab");
        }
      };
      await backTo("Skip to content");
      await page.keyboard.press("Enter");
      expect(await page.evaluate("document.activeElement.id")).toBe("main");
      await backTo("Credentials");
      expect(await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")).toBe("solid");
      await page.keyboard.press("Enter");
      await page.getByRole("heading", { level: 1, name: "Credentials" }).waitFor();
      expect(page.url()).toBe(`${origin}/portal/#credentials`);
      await page.goBack();
      await page.getByRole("heading", { level: 1, name: "Connect" }).waitFor();
    },
    STEP_MS,
  );

  it(
    "copies the Tenant URL to the clipboard",
    async () => {
      await page.getByRole("button", { name: "Copy Tenant URL" }).click();
      await page.getByRole("status").filter({ hasText: "Tenant URL copied." }).waitFor();
      expect(await page.evaluate("navigator.clipboard.readText()")).toBe(tenantUrl);
    },
    STEP_MS,
  );

  it(
    "creates a Secret Token shown once, and Test connection with it is green",
    async () => {
      await page.getByRole("button", { name: "Create Secret Token" }).click();
      const panel = page.getByRole("region", { name: "Your new Secret Token" });
      token = await panel.getByRole("textbox", { name: "Secret Token", exact: true }).inputValue();
      expect(token).toMatch(/^scim_\S{20,}$/);
      await panel.getByText("shown only this once").waitFor();

      await page.getByRole("button", { name: "Test connection" }).click();
      await page.getByText("Connection works: Entra's Test Connection would succeed.").waitFor();
      const checks = page.locator(".checks li");
      expect(await checks.count()).toBeGreaterThanOrEqual(2);
      expect(await checks.allInnerTexts()).toEqual(
        expect.arrayContaining([expect.stringContaining("Passed")]),
      );
      expect(await page.locator(".checks li.failed").count()).toBe(0);
      expect(await page.locator(".checks .check-request").allInnerTexts()).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^GET \/scim\/v2\/contoso\/Users\?filter=userName eq .* → 200$/),
        ]),
      );

      await page.getByRole("button", { name: "Create OAuth client" }).click();
      const client = page.getByRole("region", { name: "Your new OAuth client" });
      expect(await client.getByRole("textbox", { name: "Client secret", exact: true }).inputValue()).not.toBe(
        "",
      );
      expect(await client.getByRole("textbox", { name: "Token endpoint", exact: true }).inputValue()).toBe(
        `${tenantUrl}/oauth/token`,
      );
      // Entra's Test Connection with the OAuth client: a token from the token endpoint first.
      await page.getByRole("radio", { name: "OAuth client" }).check();
      expect(await page.getByLabel("Secret Token to test").isVisible()).toBe(false);
      await page.getByRole("button", { name: "Test connection" }).click();
      await page.getByText("Tested with: OAuth client.").waitFor();
      await page.getByText("Connection works: Entra's Test Connection would succeed.").waitFor();
      expect(await page.locator(".checks li.failed").count()).toBe(0);
      await page.getByRole("radio", { name: "Secret Token" }).check();
      await page.getByRole("button", { name: "Test connection" }).click();
      await page.getByText("Tested with: Secret Token.").waitFor();
      await client.getByRole("button", { name: "I have copied it" }).click();
      await page.getByText("Your new OAuth client: hidden.").waitFor();

      const federation = page.getByRole("region", { name: "Workload identity federation" });
      await federation.getByLabel("Issuer").fill("https://login.microsoftonline.com/contoso-tenant/v2.0");
      await federation.getByLabel("Subject").fill("provisioning-job");
      await federation.getByLabel("Audience").fill("api://AzureADTokenExchange");
      await federation
        .getByLabel("JWKS URI")
        .fill("https://login.microsoftonline.com/contoso-tenant/discovery/v2.0/keys");
      await federation.getByRole("button", { name: "Add trust" }).click();
      await federation.getByRole("status").filter({ hasText: "Trust added." }).waitFor();
      await federation.getByRole("cell", { name: "provisioning-job", exact: true }).waitFor();
      await federation.getByRole("button", { name: "Remove the trust for provisioning-job" }).click();
      await page
        .getByRole("dialog", { name: "Remove this trust?" })
        .getByRole("button", { name: "Remove trust" })
        .click();
      await federation.getByRole("status").filter({ hasText: "Trust removed." }).waitFor();
      await federation.getByText("No federation trust yet.").waitFor();

      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await screenshot(page, "connect", [panel.getByRole("textbox", { name: "Secret Token", exact: true })]);

      await panel.getByRole("button", { name: "I have copied it" }).click();
      await page.getByText("Your new Secret Token: hidden.").waitFor();
      expect(await page.content()).not.toContain(token);
    },
    STEP_MS,
  );

  it(
    "shows the users the replay provisioned with that token, and explains a failed request with its fix",
    async () => {
      const report = await runReplay({
        url: tenantUrl,
        token,
        users: 3,
        groups: 1,
        suite: "entra",
        dialect: "aadOptscim062020",
        keep: true,
        timeoutMs: 60_000,
      });
      expect(report.ready).toBe(true);
      const bad = await fetch(`${tenantUrl}/Users`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/scim+json" },
        body: JSON.stringify({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: 42 }),
      });
      expect(bad.status).toBe(400);
      const scimType = ((await bad.json()) as { scimType: string }).scimType;

      await goTo(page, "Status", "Status");
      await page.getByText(/^Last successful request: /).waitFor();
      const hour = page.getByRole("region", { name: "Last hour" });
      const caption = await hour.locator("figcaption").first().innerText();
      const replayed = Object.entries(report.requests.byStatus)
        .filter(([status]) => Number(status) < 400)
        .reduce((sum, [, count]) => sum + count, 0);
      expect(countIn(caption, "Succeeded")).toBeGreaterThanOrEqual(replayed);
      expect(countIn(caption, "Refused (4xx)")).toBeGreaterThanOrEqual(1);

      const failures = page.getByRole("table", { name: /most recent failed requests/ });
      const failure = failures
        .getByRole("row")
        .filter({ hasText: `400 ${scimType}` })
        .first();
      const cells = await failure.getByRole("cell").allInnerTexts();
      expect(cells[2]).toMatch(/^POST \/Users: .*userName/);
      expect(cells[3]).toMatch(/mapping|value/i);

      const audit = page.getByRole("region", { name: "Audit log" });
      const replayUser = `replay.${report.run}.`;
      // Newest first, a page at a time: the replay's users appear on the first page or an older one.
      let pageNumber = 1;
      while ((await audit.getByText(replayUser).count()) === 0) {
        expect(pageNumber).toBeLessThan(20);
        await audit.getByRole("button", { name: "Older" }).click();
        pageNumber += 1;
        await audit.getByText(`Page ${pageNumber}`, { exact: true }).waitFor();
      }
      expect(await audit.getByRole("cell", { name: /^Secret Token / }).count()).toBeGreaterThan(0);
      // The replay made more changes than one page holds: paging goes back and forth.
      if (pageNumber === 1) {
        await audit.getByRole("button", { name: "Older" }).click();
        await audit.getByText("Page 2", { exact: true }).waitFor();
        pageNumber = 2;
      }
      const olderRows = await audit.getByRole("row").allInnerTexts();
      while (pageNumber > 1) {
        await audit.getByRole("button", { name: "Newer" }).click();
        pageNumber -= 1;
        await audit.getByText(`Page ${pageNumber}`, { exact: true }).waitFor();
      }
      expect(await audit.getByRole("row").allInnerTexts()).not.toEqual(olderRows);

      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await screenshot(page, "status");
    },
    STEP_MS,
  );

  it(
    "turns debug mode on with its expiry, and off",
    async () => {
      const debug = page.getByRole("region", { name: "Debug mode" });
      await debug.getByRole("button", { name: "Turn on" }).click();
      await debug.getByText(/^On until/).waitFor();
      await debug.getByRole("button", { name: "Turn off" }).click();
      await debug.getByText("Off", { exact: true }).waitFor();
    },
    STEP_MS,
  );

  it(
    "rotates the page's token with a grace period, then revokes the old one after a confirmation",
    async () => {
      await goTo(page, "Credentials", "Credentials");
      const table = page.getByRole("table", { name: /Credentials of this tenant/ });
      const active = table.getByRole("row").filter({ hasText: "Secret Token" }).filter({ hasText: "active" });
      await active.first().waitFor();
      expect(await active.count()).toBe(1);
      const oldId = (await active.getByRole("cell").nth(1).innerText()).trim();
      // The replay provisioned with this token: its row says when it was last used.
      expect(await active.getByRole("cell").nth(3).innerText()).toMatch(/\d{4}/);

      await page.getByRole("button", { name: `Rotate Secret Token ${oldId}` }).click();
      const panel = page.getByRole("region", { name: "Your new Secret Token" });
      const rotated = await panel.getByRole("textbox", { name: "Secret Token", exact: true }).inputValue();
      expect(rotated).toMatch(/^scim_/);
      expect(rotated).not.toBe(token);
      await panel.getByText(/keeps working until/).waitFor();
      const oldRow = table.getByRole("row").filter({ hasText: oldId });
      await oldRow.getByText(/works until/).waitFor();
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await screenshot(page, "credentials", [
        panel.getByRole("textbox", { name: "Secret Token", exact: true }),
      ]);

      // In its grace period the old token still opens the tenant; revoked, it does not.
      const withOld = () =>
        fetch(`${tenantUrl}/Users?count=1`, { headers: { Authorization: `Bearer ${token}` } });
      expect((await withOld()).status).toBe(200);
      await page.getByRole("button", { name: `Revoke Secret Token ${oldId}` }).click();
      const dialog = page.getByRole("dialog", { name: "Revoke this Secret Token?" });
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await dialog.waitFor({ state: "detached" });
      expect((await withOld()).status).toBe(200);
      await page.getByRole("button", { name: `Revoke Secret Token ${oldId}` }).click();
      await dialog.getByRole("button", { name: "Revoke" }).click();
      await page
        .getByRole("status")
        .filter({ hasText: `Secret Token ${oldId} revoked.` })
        .waitFor();
      expect(await page.getByRole("button", { name: `Revoke Secret Token ${oldId}` }).count()).toBe(0);
      expect((await withOld()).status).toBe(401);
      const withNew = await fetch(`${tenantUrl}/Users?count=1`, {
        headers: { Authorization: `Bearer ${rotated}` },
      });
      expect(withNew.status).toBe(200);
      token = rotated;
    },
    STEP_MS,
  );

  it(
    "adds a webhook, delivers a test event it shows in the delivery log, and creates an app key",
    async () => {
      const receiver = await startReceiver();
      const poller = startQueuePoller(portal.host.services, { idleMs: 100 });
      try {
        await goTo(page, "Webhooks and app keys", "Webhooks and app keys");
        const webhooks = page.getByRole("region", { name: "Webhooks" });
        await webhooks.getByText("No webhook yet.").waitFor();
        await webhooks.getByLabel("Endpoint URL").fill(receiver.url);
        await webhooks.getByRole("button", { name: "Add webhook" }).click();
        const secretPanel = page.getByRole("region", { name: "Signing secret of the new webhook" });
        expect(await secretPanel.getByRole("textbox", { name: "Signing secret" }).inputValue()).not.toBe("");
        const row = webhooks
          .getByRole("table", { name: "Webhook endpoints" })
          .getByRole("row")
          .filter({ hasText: receiver.url });
        await row.getByText("every event").waitFor();

        await page.getByRole("button", { name: `Send test to ${receiver.url}` }).click();
        const log = page.getByRole("region", { name: `Delivery log of ${receiver.url}` });
        await log.getByRole("cell", { name: "delivered" }).waitFor({ timeout: 60_000 });
        expect(receiver.received.length).toBeGreaterThanOrEqual(1);
        expect(receiver.received[0]!.headers["webhook-signature"]).toMatch(/^v1,/);

        const keys = page.getByRole("region", { name: "App keys" });
        await keys.getByLabel("Name").fill("HR sync");
        await keys.getByRole("button", { name: "Create app key" }).click();
        const keyPanel = page.getByRole("region", { name: "Your new app key" });
        expect(await keyPanel.getByRole("textbox", { name: "App key", exact: true }).inputValue()).not.toBe(
          "",
        );
        await keys
          .getByRole("table", { name: "App keys" })
          .getByRole("row")
          .filter({ hasText: "HR sync" })
          .waitFor();

        expect(await seriousAccessibilityViolations(page)).toEqual([]);
        await screenshot(page, "webhooks", [
          secretPanel.getByRole("textbox", { name: "Signing secret" }),
          keyPanel.getByRole("textbox", { name: "App key", exact: true }),
        ]);
      } finally {
        await poller.stop();
        await receiver.close();
      }
    },
    STEP_MS,
  );

  it(
    "says the session expired when the cookie is gone, and a used link works no more",
    async () => {
      await portal.context.clearCookies();
      await page
        .getByRole("navigation", { name: "Portal sections" })
        .getByRole("link", { name: "Status" })
        .click();
      await page
        .getByRole("heading", { level: 1, name: "Session expired — ask your operator for a new link" })
        .waitFor();
      expect(await page.getByRole("navigation", { name: "Portal sections" }).isVisible()).toBe(false);
      expect(await seriousAccessibilityViolations(page)).toEqual([]);

      await page.goto(`${origin}/portal/#link=${secret}`);
      await page.getByRole("heading", { level: 1, name: "This setup link does not work" }).waitFor();
      expect(page.url()).not.toContain(secret);
    },
    STEP_MS,
  );

  it(
    "signs out: the session ends and a reload asks for the setup link",
    async () => {
      const fresh = (await portal.host.services.setupLinks.create(TENANT, 1)).secret;
      await page.goto(`${origin}/portal/#link=${fresh}`);
      await page.getByRole("heading", { level: 1, name: "Connect" }).waitFor();
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByRole("heading", { level: 1, name: "Signed out" }).waitFor();
      await page.reload();
      await page.getByRole("heading", { level: 1, name: "Open your setup link" }).waitFor();
    },
    STEP_MS,
  );
});
