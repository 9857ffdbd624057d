import { auditEntryQuery } from '@waddle/directory-queries/audit/audit-entry';
import type { RequestContext } from '../context/request-context.ts';

/** A moderation or administration action, as the audit log records it. */
export interface AuditEntry {
  /** `waddle.ban`, `waddle.kick`, `message.delete`, `role.update`, … */
  readonly action: string;
  readonly resourceType: string;
  readonly resourceId: string;
  /** Facts about the action (ids, reason); never message content. */
  readonly metadata?: Record<string, unknown>;
}

/**
 * The statement that records an action in the central audit log, with the caller and the
 * request's address (kept only when it fits the column: at most 45 characters) and user agent
 * (its first 512 characters); `.execute()` it right after the action, or send it in the same
 * batch (`runBatch`) as the action when the action is central. See `auditEntryQuery`.
 *
 * ```sql
 * INSERT INTO audit_log (user_id, action, resource_type, resource_id, metadata, ip_address, user_agent, created_at)
 * VALUES (?, ?, ?, ?, ?, ?, ?, ?)
 * ```
 */
export function auditQuery(context: RequestContext, entry: AuditEntry) {
  const ip = context.request.headers.get('cf-connecting-ip');
  const userAgent = context.request.headers.get('user-agent');
  return auditEntryQuery(context.directory.db, {
    userId: context.caller.id,
    action: entry.action,
    resourceType: entry.resourceType,
    resourceId: entry.resourceId,
    metadata: entry.metadata ? JSON.stringify(entry.metadata) : null,
    ipAddress: ip && ip.length <= 45 ? ip : null,
    userAgent: userAgent ? userAgent.slice(0, 512) : null,
    createdAt: context.now,
  });
}
