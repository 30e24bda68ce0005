import { readFileSync } from "node:fs";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { buildPortalScript } from "../../tools/portalScript";
import { findChromium } from "./chromium";
import { startTestHost, type TestHost } from "./testServices";

const EXPECTED_REFUSAL = /^Failed to load resource: the server responded with a status of 401\b/;

export interface PortalBrowser {
  readonly host: TestHost;
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** What the page's console said about blocked content (a CSP violation) and uncaught errors. */
  readonly pageProblems: string[];
  close(): Promise<void>;
}

/**
 * The local host (the real route table over Azurite, as in the HTTP tests), the portal's script
 * freshly compiled, and one headless Chromium page with a clipboard it may read.
 */
export async function startPortalBrowser(): Promise<PortalBrowser> {
  buildPortalScript();
  const host = await startTestHost();
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: findChromium(), headless: true, timeout: 60_000 });
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: "en-US",
      timezoneId: "UTC",
      reducedMotion: "reduce",
    });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: host.host.origin });
    // A loaded shared machine: wait long for content, never a fixed time.
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    const pageProblems: string[] = [];
    page.on("console", (message) => {
      // A 401 is how the API says the session ended; the page answers it with its own screen.
      if (message.type() === "error" && !EXPECTED_REFUSAL.test(message.text()))
        pageProblems.push(message.text());
    });
    page.on("pageerror", (error) => pageProblems.push(error.message));
    const opened = browser;
    return {
      host,
      browser: opened,
      context,
      page,
      pageProblems,
      async close() {
        await opened.close();
        await host.close();
      },
    };
  } catch (error) {
    await browser?.close();
    await host.close();
    throw error;
  }
}

interface AxeViolation {
  readonly id: string;
  readonly impact?: string | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly unknown[] }[];
}

const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/**
 * axe-core's serious and critical violations on the page as it is now, one line each. The script is
 * evaluated through the DevTools protocol, not added as a tag, so the page's CSP stays in force.
 */
export async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  // A string: it runs in the page, where `axe` and `document` exist (this file is compiled for Node.js).
  const violations = await page.evaluate<AxeViolation[]>(
    "axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations)",
  );
  return violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(
      (violation) =>
        `${violation.impact ?? ""} ${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(" ")).join(", ")})`,
    );
}
