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

const ROOT_FILES = new Set(["config", "index"]);
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

/**
 * Code outside the product reaches into it only through named entry modules: tools use src/store/
 * through src/store/index.ts (the storage layout) and the replay package through its index, so
 * either can change its insides without breaking the bench or the consistency checker. A workspace
 * package (packages/*) imports nothing outside its own folder; it uses another package by name.
 */
const STORE_INTERNALS = {
  regex: "^(?:\\.\\./)+src/store/(?!index$)",
  message: "Outside src/, import the storage layout from src/store (src/store/index.ts), not its modules.",
};
const REPLAY_INTERNALS = {
  regex: "^(?:\\.\\./)+packages/entra-replay/src/(?!index$)",
  message: "Outside the replay package, use it through packages/entra-replay/src/index.ts.",
};

export const entryModuleRules = [
  {
    files: ["tools/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [STORE_INTERNALS, REPLAY_INTERNALS] }] },
  },
  {
    files: ["test/**/*.ts"],
    ignores: ["test/packages/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [REPLAY_INTERNALS] }] },
  },
  ...Array.from({ length: MAX_DEPTH }, (_, depth) => ({
    files: [`packages/*/src/${"*/".repeat(depth)}*.ts`],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: `^(?:\\.\\./){${depth + 2}}`,
              message: "A workspace package imports nothing outside its folder (other packages by name).",
            },
          ],
        },
      ],
    },
  })),
];
