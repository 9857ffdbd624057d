import type { D1StatementLike } from '@waddle/d1/database';
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
 * request's address and user agent; run it in the same batch as the action when the action is
 * central, else right after it.
 *
 * ```sql
 * INSERT INTO audit_log (user_id, action, resource_type, resource_id, metadata, ip_address, user_agent, created_at)
 * VALUES (?, ?, ?, ?, ?, ?, ?, ?)
 * ```
 */
export function auditStatement(context: RequestContext, entry: AuditEntry): D1StatementLike {
  const ip = context.request.headers.get('cf-connecting-ip');
  const userAgent = context.request.headers.get('user-agent');
  return context.central
    .prepare(
      `INSERT INTO audit_log (user_id, action, resource_type, resource_id, metadata, ip_address, user_agent, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      context.caller.id,
      entry.action,
      entry.resourceType,
      entry.resourceId,
      entry.metadata ? JSON.stringify(entry.metadata) : null,
      ip && ip.length <= 45 ? ip : null,
      userAgent ? userAgent.slice(0, 512) : null,
      context.now,
    );
}
