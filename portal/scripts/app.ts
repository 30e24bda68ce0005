import { ApiError, PortalApi, SessionExpiredError, type Session } from "./api";
import { h, replaceChildren } from "./dom";
import type { ViewContext } from "./view";
import { connectView } from "./views/connect";
import { credentialsView } from "./views/credentials";
import { statusView } from "./views/status";
import { webhooksView } from "./views/webhooks";

const VIEWS = {
  connect: { title: "Connect", render: connectView },
  status: { title: "Status", render: statusView },
  credentials: { title: "Credentials", render: credentialsView },
  webhooks: { title: "Webhooks and app keys", render: webhooksView },
} as const;
type ViewName = keyof typeof VIEWS;

const LINK_PREFIX = "#link=";

function element(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (!found) throw new Error(`index.html lacks #${id}`);
  return found;
}

const main = element("main");
const nav = element("sections");
const tenantName = element("tenant-name");
const signOut = element("sign-out");

/** The session the views run in; none while a full-page message is shown. */
let current: Session | undefined;

/** A full-page message instead of the views: bad link, expired session, signed out. */
function showScreen(title: string, ...paragraphs: string[]): void {
  current = undefined;
  nav.hidden = true;
  signOut.hidden = true;
  tenantName.hidden = true;
  document.title = `${title} · SCIM connector setup`;
  replaceChildren(
    main,
    h("div", { class: "screen" }, h("h1", {}, title), ...paragraphs.map((text) => h("p", {}, text))),
  );
  main.focus();
}

function showExpired(): void {
  showScreen(
    "Session expired — ask your operator for a new link",
    "Your session on this page ended: it was idle too long, reached its time limit, or was signed out.",
    "Setup links work once. Ask the operator who sent you the link for a new one, then open it in this browser.",
  );
}

const api = new PortalApi(showExpired);

function isView(name: string): name is ViewName {
  return name in VIEWS;
}

function viewFromHash(): ViewName {
  const name = location.hash.slice(1);
  return isView(name) ? name : "connect";
}

function showView(session: Session, name: ViewName): void {
  const view = VIEWS[name];
  for (const link of nav.querySelectorAll<HTMLAnchorElement>("a[data-view]")) {
    if (link.dataset.view === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  document.title = `${view.title} · ${session.tenantId} · SCIM connector setup`;
  const context: ViewContext = { api, session };
  replaceChildren(main, view.render(context));
  main.focus();
}

function start(session: Session): void {
  current = session;
  nav.hidden = false;
  signOut.hidden = false;
  tenantName.hidden = false;
  tenantName.textContent = `Tenant: ${session.tenantId}`;
  showView(session, viewFromHash());
}

/**
 * The setup link carries its one-time secret in the fragment (never sent to a server, never in a
 * Referer). It leaves the address bar and the history before anything else happens.
 */
function takeLinkSecret(): string | undefined {
  if (!location.hash.startsWith(LINK_PREFIX)) return undefined;
  const secret = decodeURIComponent(location.hash.slice(LINK_PREFIX.length));
  history.replaceState(null, "", `${location.pathname}${location.search}#connect`);
  return secret;
}

async function openSession(): Promise<Session | undefined> {
  const secret = takeLinkSecret();
  try {
    return secret === undefined ? await api.currentSession() : await api.startSession(secret);
  } catch (error) {
    if (!(error instanceof ApiError) || error.code === "unreachable") {
      showScreen("The connector did not answer", "Check your connection, then reload this page.");
    } else if (secret !== undefined) {
      showScreen(
        "This setup link does not work",
        error.message,
        "A setup link works once and for a limited time. Ask your operator for a new link.",
      );
    } else if (error instanceof SessionExpiredError) {
      showScreen(
        "Open your setup link",
        "This page opens from the setup link your operator sent you. If you used it already, your session has expired — ask your operator for a new link.",
      );
    } else {
      showScreen("The page could not start", error.message);
    }
    return undefined;
  }
}

signOut.addEventListener("click", () => {
  void api
    .signOut()
    .catch(() => undefined)
    .then(() => {
      showScreen("Signed out", "You are signed out. To come back, ask your operator for a new setup link.");
    });
});

/** Opens the session (from a link in the address, or the one this browser holds), then the views. */
async function boot(): Promise<void> {
  const session = await openSession();
  if (session) start(session);
}

// A new setup link pasted into this tab changes only the fragment: the page takes it without a reload.
window.addEventListener("hashchange", () => {
  if (location.hash.startsWith(LINK_PREFIX)) void boot();
  else if (current && isView(location.hash.slice(1))) showView(current, viewFromHash());
});

// The skip link moves the focus only; as a fragment it would read as a section's name.
element("skip-link").addEventListener("click", (event) => {
  event.preventDefault();
  main.focus();
});

void boot();
