import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { waitFor } from "@leadline/testkit";
import { API_RUNTIMES, useApiServer } from "./support/api-server.ts";
import { useTestDatabase } from "./support/database.ts";

const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOT = fileURLToPath(new URL("../.ci/out/docs.png", import.meta.url));
// No network beyond the page's own server: nothing in the background may reach out either.
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

interface ApiKeyScheme {
  name: string;
  header: string;
}

/** What the page must show, read from the live document. */
async function expectedFrom(
  baseUrl: string,
): Promise<{ title: string; operations: string[]; schemes: ApiKeyScheme[] }> {
  const document = await (await fetch(`${baseUrl}/api/v1/openapi.json`)).json();
  const paths = document.paths as Record<string, Record<string, { summary?: string; operationId: string }>>;
  const operations = Object.values(paths).flatMap((methods) =>
    Object.values(methods).map((operation) => operation.summary ?? operation.operationId),
  );
  const schemes = Object.entries(document.components.securitySchemes as Record<string, { name: string }>).map(
    ([name, scheme]) => ({ name, header: scheme.name }),
  );
  return { title: document.info.title, operations, schemes };
}

describe.each(API_RUNTIMES)("GET / and the docs page's script (%s)", (runtime) => {
  const db = useTestDatabase(`docs_script_${runtime}`);
  const server = useApiServer(db, {}, runtime);

  it("redirects / to /docs", async () => {
    const response = await fetch(`${server.url}/`, { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/docs");
  });

  it("serves the reference's script from the installed package, compressed when asked", async () => {
    const response = await fetch(`${server.url}/docs/scalar.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(response.headers.get("content-encoding")).toBe("gzip");
    expect(await response.text()).toContain("createApiReference");
  });
});

describe("GET /docs in headless Chromium", () => {
  const db = useTestDatabase("docs_page");
  const server = useApiServer(db);

  it("shows every operation and the x-api-key scheme, with no console errors", { timeout: 120_000 }, async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `This test drives Debian's Chromium at ${CHROMIUM}, which is missing. ` +
          "Install it with: apt-get update && apt-get install -y chromium",
      );
    }
    const { title, operations, schemes } = await expectedFrom(server.url);
    expect(operations.length).toBeGreaterThan(0);
    expect(schemes).toContainEqual({ name: "ApiKeyAuth", header: "x-api-key" });
    const profile = await mkdtemp(join(tmpdir(), "leadline-chromium-"));
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
    });
    try {
      const page = browser.pages()[0] ?? (await browser.newPage());
      const consoleErrors: string[] = [];
      const elsewhere: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error") consoleErrors.push(message.text());
      });
      page.on("pageerror", (error) => consoleErrors.push(error.message));
      page.on("request", (request) => {
        if (!request.url().startsWith(server.url) && !request.url().startsWith("data:")) elsewhere.push(request.url());
      });

      const response = await page.goto(`${server.url}/docs`);
      expect(response?.status()).toBe(200);
      const text = () => page.evaluate(() => document.body.innerText);
      // Fields of the authentication panel: elements whose whole text is one value.
      const fields = () =>
        page.evaluate(() =>
          [...document.querySelectorAll("body *")]
            .filter((element) => element.children.length === 0)
            .map((element) => element.textContent?.trim() ?? ""),
        );
      const missing = async () => {
        const shown = await text();
        const shownFields = await fields();
        return [
          ...[title, ...operations].filter((label) => !shown.includes(label)),
          ...schemes.flatMap((scheme) => [
            ...(shown.includes(scheme.name) ? [] : [`scheme ${scheme.name}`]),
            ...(shownFields.includes(scheme.header) ? [] : [`header field ${scheme.header}`]),
          ]),
        ];
      };
      await waitFor(
        "the reference to show the whole document",
        async () => (await missing()).length === 0,
        60_000,
      ).catch(() => undefined);
      await mkdir(join(SCREENSHOT, ".."), { recursive: true });
      await page.screenshot({ path: SCREENSHOT });

      expect(await missing()).toEqual([]);
      expect(elsewhere).toEqual([]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await browser.close();
      await rm(profile, { recursive: true, force: true });
    }
  });
});
