/** Each view of the portal page and the API request it loads (what the bench times and tests count). */
export const PORTAL_VIEWS: readonly {
  readonly view: string;
  readonly route: string;
  readonly path: string;
}[] = [
  { view: "session", route: "portalSession", path: "/portal/api/session" },
  { view: "connect", route: "portalConnect", path: "/portal/api/connect" },
  { view: "credentials", route: "portalCredentials", path: "/portal/api/credentials" },
  { view: "trusts", route: "portalTrusts", path: "/portal/api/trusts" },
  { view: "status", route: "portalStatus", path: "/portal/api/status" },
  { view: "audit", route: "portalAudit", path: "/portal/api/audit?count=20" },
  { view: "debug", route: "portalDebug", path: "/portal/api/debug" },
  { view: "webhooks", route: "portalWebhooks", path: "/portal/api/webhooks" },
  { view: "app keys", route: "portalAppKeys", path: "/portal/api/app-keys" },
];
