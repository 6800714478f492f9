import { REST_BASE_PATH } from "@leadline/api";
import type { RouteResult } from "./route-result.ts";

/** Reads a file that ships with the service; the runtime entry supplies it (node:fs, or Deno.readFile). */
export type ReadFile = (url: URL) => Promise<Uint8Array>;

export const DOCS_PATH = "/docs";
export const DOCS_SCRIPT_PATH = "/docs/scalar.js";

// The package exports only its Vue entry; the browser bundle sits beside it in dist/.
const scalarBundleUrl = () => new URL("browser/standalone.js", import.meta.resolve("@scalar/api-reference"));

/**
 * Everything that would reach out to the internet is off: many deployments
 * have none, and a reference page should not tell third parties who reads it.
 */
const scalarConfiguration = {
  url: `${REST_BASE_PATH}/openapi.json`,
  withDefaultFonts: false,
  telemetry: false,
  showDeveloperTools: "never",
  agent: { disabled: true },
  mcp: { disabled: true },
  hideClientButton: false,
  documentDownloadType: "json",
  // A small API: every operation visible in the sidebar at once.
  defaultOpenAllTags: true,
  // Every operation needs the key: show its field from the start.
  authentication: { preferredSecurityScheme: "ApiKeyAuth" },
};

const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Leadline API reference</title>
    <link rel="icon" href="data:," />
    <style>body { margin: 0; font-family: system-ui, sans-serif; }</style>
  </head>
  <body>
    <!-- Not "api-reference": the bundle mounts a demo document on an element of that id by itself. -->
    <div id="reference"></div>
    <script src="${DOCS_SCRIPT_PATH}"></script>
    <script>Scalar.createApiReference("#reference", ${JSON.stringify(scalarConfiguration)});</script>
  </body>
</html>
`;

async function gzip(file: Blob): Promise<Blob> {
  return new Response(file.stream().pipeThrough(new CompressionStream("gzip"))).blob();
}

/**
 * `GET /docs`: Scalar's API reference of the OpenAPI document, its script
 * served from the installed package (read and compressed once, on first
 * use), so the page works without internet access.
 */
export function createDocsRoutes(readFile: ReadFile) {
  let script: Promise<{ plain: Blob; gzipped: Blob }> | undefined;
  const loadScript = () =>
    (script ??= readFile(scalarBundleUrl()).then(async (bytes) => {
      const plain = new Blob([bytes as BlobPart]);
      return { plain, gzipped: await gzip(plain) };
    }));

  return {
    page(): RouteResult {
      const headers = { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache" };
      return { response: new Response(page, { status: 200, headers }) };
    },

    async script(request: Request): Promise<RouteResult> {
      const { plain, gzipped } = await loadScript();
      const acceptsGzip = /\bgzip\b/.test(request.headers.get("accept-encoding") ?? "");
      const headers = new Headers({
        "Content-Type": "text/javascript; charset=utf-8",
        "Cache-Control": "public, max-age=3600",
        Vary: "Accept-Encoding",
      });
      if (acceptsGzip) headers.set("Content-Encoding", "gzip");
      return { response: new Response(acceptsGzip ? gzipped : plain, { status: 200, headers }) };
    },
  };
}
