import type { CredentialStore } from "./credentialStore";
import { isValidTenantId } from "./tenantId";
import type { Tenant, TenantRegistry } from "./tenantRegistry";
import { generateToken, hashToken } from "./tokens";

export const DEFAULT_ROTATION_GRACE_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

export class TenantAdminError extends Error {}

/** What the tenant CLI (and the dev host) do: create tenants, issue and rotate Secret Tokens. */
export class TenantAdmin {
  constructor(
    private readonly registry: TenantRegistry,
    private readonly credentials: CredentialStore,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Creates the tenant and returns its first Secret Token (shown once, stored only as a hash). */
  async create(tenantId: string): Promise<string> {
    if (!isValidTenantId(tenantId)) {
      throw new TenantAdminError(
        `'${tenantId}' is not a valid tenant id: use 1-63 letters, digits, '-' or '_', starting with a letter or digit.`,
      );
    }
    if (!(await this.registry.create(tenantId, this.clock()))) {
      throw new TenantAdminError(`Tenant '${tenantId}' already exists; use 'rotate' for a new token.`);
    }
    return this.issue(tenantId);
  }

  /** A new token; the previous ones keep working for the grace period so Entra can be updated. */
  async rotate(tenantId: string, graceDays = DEFAULT_ROTATION_GRACE_DAYS): Promise<string> {
    await this.mustExist(tenantId);
    const now = this.clock();
    return this.issue(tenantId, new Date(now.getTime() + graceDays * DAY_MS));
  }

  async disable(tenantId: string): Promise<void> {
    await this.mustExist(tenantId);
    await this.registry.setStatus(tenantId, "disabled");
  }

  async enable(tenantId: string): Promise<void> {
    await this.mustExist(tenantId);
    await this.registry.setStatus(tenantId, "active");
  }

  list(): Promise<Tenant[]> {
    return this.registry.list();
  }

  async exists(tenantId: string): Promise<boolean> {
    return (await this.registry.get(tenantId)) !== undefined;
  }

  private async issue(tenantId: string, retirePreviousAt?: Date): Promise<string> {
    const token = generateToken();
    await this.credentials.addToken(tenantId, hashToken(token), this.clock(), retirePreviousAt);
    return token;
  }

  private async mustExist(tenantId: string): Promise<void> {
    if (!(await this.exists(tenantId))) throw new TenantAdminError(`Tenant '${tenantId}' does not exist.`);
  }
}
