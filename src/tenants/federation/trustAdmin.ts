import { randomUUID } from "node:crypto";
import { auditRecord, type AuditOperation } from "../../service/audit";
import type { AuditLog } from "../../service/auditLog";
import {
  TrustError,
  validateNewTrust,
  withoutTrust,
  withTrust,
  type FederatedTrust,
  type NewTrust,
  type TrustRepository,
} from "./trusts";

/** What `npm run tenant -- trust …` does: add, list and remove a tenant's federated trusts. */
export class TrustAdmin {
  constructor(
    private readonly repository: TrustRepository,
    private readonly tenantExists: (tenantId: string) => Promise<boolean>,
    /** The deployment's access-token signing key: a trust is useless until one exists. */
    private readonly ensureSigningKey: () => Promise<void>,
    private readonly auditLog?: AuditLog,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async add(tenantId: string, input: NewTrust): Promise<FederatedTrust> {
    await this.mustExist(tenantId);
    const trust: FederatedTrust = {
      trustId: randomUUID(),
      ...validateNewTrust(input),
      created: this.clock().toISOString(),
    };
    await this.ensureSigningKey();
    await this.audit(tenantId, "trustAdded", trust);
    await this.repository.update(tenantId, (current) => withTrust(current, trust));
    return trust;
  }

  async list(tenantId: string): Promise<readonly FederatedTrust[]> {
    await this.mustExist(tenantId);
    return this.repository.read(tenantId);
  }

  /** Ends the trust: no new tokens for it, and those issued stop working (within the cache TTL). */
  async remove(tenantId: string, trustId: string): Promise<void> {
    await this.mustExist(tenantId);
    withoutTrust(await this.repository.read(tenantId), trustId);
    await this.audit(tenantId, "trustRemoved", { trustId });
    await this.repository.update(tenantId, (current) => withoutTrust(current, trustId));
  }

  /** Written before the change, as for credentials: a failed change leaves a record of the attempt. */
  private async audit(tenantId: string, operation: AuditOperation, detail: object): Promise<void> {
    const changes = Object.entries(detail).map(([attribute, after]) => ({
      attribute,
      after: after as unknown,
    }));
    await this.auditLog?.append(
      tenantId,
      auditRecord(operation, "Tenant", tenantId, changes, this.clock().toISOString()),
    );
  }

  private async mustExist(tenantId: string): Promise<void> {
    if (!(await this.tenantExists(tenantId))) throw new TrustError(`Tenant '${tenantId}' does not exist.`);
  }
}
