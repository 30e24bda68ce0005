import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, extname, join, relative, sep } from "node:path";
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { PORTAL_SECURITY_HEADERS } from "./portalHeaders";

/** The folder the portal's page ships in, beside the app's package (see buildDeployPackage). */
export const PORTAL_FOLDER = "portal";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json; charset=utf-8",
};

interface StaticFile {
  readonly body: Buffer;
  readonly contentType: string;
}

/** The nearest `portal/` folder with an index.html above `from` (source, compiled and bundled layouts). */
export function findPortalFolder(from: string = __dirname): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, PORTAL_FOLDER);
    if (existsSync(join(candidate, "index.html"))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Every file of the folder with a known type, by its path under it: only these are ever served. */
function loadFiles(folder: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      const contentType = CONTENT_TYPES[extname(entry.name).toLowerCase()];
      if (entry.isFile() && contentType !== undefined) {
        files.set(relative(folder, path).split(sep).join("/"), { body: readFileSync(path), contentType });
      }
    }
  };
  visit(folder);
  return files;
}

function notFound(): HttpResponseInit {
  return {
    status: 404,
    headers: {
      ...PORTAL_SECURITY_HEADERS,
      "Content-Type": "text/plain; charset=utf-8",
      "Cache-Control": "no-store",
    },
    body: "Not found",
  };
}

/**
 * GET /portal/ and its files: read once from the folder into memory and served from a fixed list, so
 * no request path ever reaches the file system. No authentication: the page holds no tenant data.
 */
export function portalStaticFiles(
  folder: () => string | undefined = findPortalFolder,
): (request: HttpRequest) => Promise<HttpResponseInit> {
  let files: Map<string, StaticFile> | undefined;
  return (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/portal") {
      return Promise.resolve({
        status: 308,
        headers: { ...PORTAL_SECURITY_HEADERS, Location: "/portal/", "Cache-Control": "no-store" },
      });
    }
    if (files === undefined) {
      const found = folder();
      files = found === undefined ? new Map<string, StaticFile>() : loadFiles(found);
    }
    const path = request.params.path ?? "";
    const file = files.get(path === "" ? "index.html" : path);
    if (file === undefined) return Promise.resolve(notFound());
    return Promise.resolve({
      status: 200,
      headers: { ...PORTAL_SECURITY_HEADERS, "Content-Type": file.contentType, "Cache-Control": "no-cache" },
      body: file.body,
    });
  };
}
