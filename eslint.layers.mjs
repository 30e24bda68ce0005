// The layers of src/ and what each may import (docs/architecture.md explains why). Enforced by
// `npm run lint` through eslint's own no-restricted-imports rule, one override per layer and
// directory depth; test/repository/layers.test.ts proves a violation fails.

/** What the composition root and the HTTP layer build on (each also sees one more: store, app). */
const COMPOSED = [
  "webhooks",
  "directory",
  "events",
  "diagnostics",
  "tenants",
  "service",
  "scim",
  "lib",
  "config",
  "telemetry",
];

/** Each part of src/ (a directory or a root file) and the other parts it may import. */
export const LAYERS = {
  lib: [],
  scim: [],
  config: [],
  appSettings: [],
  service: ["scim", "lib"],
  events: ["service", "scim", "lib"],
  directory: ["events", "service", "scim", "lib"],
  tenants: ["service", "scim", "lib"],
  webhooks: ["events", "tenants", "service", "scim", "lib"],
  diagnostics: ["tenants", "service", "scim", "lib"],
  telemetry: ["tenants", "scim", "lib", "config"],
  store: ["webhooks", "events", "diagnostics", "tenants", "service", "scim", "lib", "config"],
  app: ["store", ...COMPOSED],
  http: ["app", ...COMPOSED],
  jobs: ["app", "webhooks", "events", "diagnostics", "tenants", "service", "scim", "lib", "config"],
  functions: ["app", "http", "jobs", "config"],
  index: ["functions", "telemetry", "config"],
};

/** Packages that tie code to Azure: the protocol and the operations over it stay free of them. */
const AZURE_PACKAGES = ["@azure/*", "applicationinsights"];
const AZURE_FREE = new Set(["lib", "scim", "service", "diagnostics", "events", "directory", "webhooks"]);

const ROOT_FILES = new Set(["config", "appSettings", "index"]);
const MAX_DEPTH = 4;

function restriction(layer, depth) {
  const allowed = new Set([layer, ...LAYERS[layer]]);
  const forbidden = Object.keys(LAYERS).filter((part) => !allowed.has(part));
  const up = depth === 0 ? "\\./" : `(?:\\.\\./){${depth}}`;
  const others = LAYERS[layer].length > 0 ? `only ${LAYERS[layer].join(", ")}` : "nothing else";
  const message = `src/${layer} may import ${others} from src/ (docs/architecture.md).`;
  const patterns = [
    { regex: `^${up}(?:${forbidden.join("|")})(?:/|\\.ts$|$)`, message },
    { regex: `^(?:\\.\\./){${depth + 1}}`, message: "src/ imports nothing outside src/ (tools, tests)." },
  ];
  if (AZURE_FREE.has(layer)) {
    patterns.push({ group: AZURE_PACKAGES, message: `src/${layer} stays free of Azure packages.` });
  }
  return { "no-restricted-imports": ["error", { patterns }] };
}

/** Flat-config entries: for each layer, one per directory depth (a relative path climbs that many levels). */
export const layerRules = Object.keys(LAYERS).flatMap((layer) => {
  if (ROOT_FILES.has(layer)) return [{ files: [`src/${layer}.ts`], rules: restriction(layer, 0) }];
  return Array.from({ length: MAX_DEPTH }, (_, index) => ({
    files: [`src/${layer}/${"*/".repeat(index)}*.ts`],
    rules: restriction(layer, index + 1),
  }));
});
