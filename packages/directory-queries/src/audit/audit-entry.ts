import type { DB } from '@waddle/central-schema/database';
import type { Kysely } from 'kysely';

/** One row of the audit log: who did what to which resource, from where. */
export interface AuditRecord {
  /** The actor; `null` for the platform's own jobs. */
  readonly userId: number | null;
  /** `member.ban`, `message.delete`, `role.update`, … */
  readonly action: string;
  readonly resourceType: string;
  readonly resourceId: string;
  /** Facts about the action as JSON text (ids, reason); never message content. */
  readonly metadata: string | null;
  readonly ipAddress: string | null;
  readonly userAgent: string | null;
  /** When (ms since the epoch): the caller's clock. */
  readonly createdAt: number;
}

/**
 * The statement that records an action in the audit log: run it on its own, or in the same batch
 * as the action when the action is central.
 *
 * ```sql
 * INSERT INTO audit_log (user_id, action, resource_type, resource_id, metadata, ip_address, user_agent, created_at)
 * VALUES (?, ?, ?, ?, ?, ?, ?, ?)
 * ```
 *
 * @example
 * ```ts
 * await auditEntryQuery(directory.db, { userId: 1, action: 'member.kick', resourceType: 'waddle', resourceId: '7',
 *   metadata: '{"userId":42}', ipAddress: null, userAgent: null, createdAt: context.now }).execute();
 * ```
 */
export function auditEntryQuery(db: Kysely<DB>, record: AuditRecord) {
  return db.insertInto('audit_log').values({
    user_id: record.userId,
    action: record.action,
    resource_type: record.resourceType,
    resource_id: record.resourceId,
    metadata: record.metadata,
    ip_address: record.ipAddress,
    user_agent: record.userAgent,
    created_at: record.createdAt,
  });
}
