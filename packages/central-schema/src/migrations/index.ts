import type { Migration } from '@waddle/migrator/migration';
import { createUsers } from './0001_create_users.ts';
import { createUserSettings } from './0002_create_user_settings.ts';
import { createWaddles } from './0003_create_waddles.ts';
import { createWaddleMembers } from './0004_create_waddle_members.ts';
import { createGlobalBans } from './0005_create_global_bans.ts';
import { createAuditLog } from './0006_create_audit_log.ts';
import { createSizeSamples } from './0007_create_size_samples.ts';
import { createMigrationLeases } from './0008_create_migration_leases.ts';
import { createMonitoredDatabases } from './0009_create_monitored_databases.ts';
import { createSizeAlertStates } from './0010_create_size_alert_states.ts';
import { createMonitorCursors } from './0011_create_monitor_cursors.ts';
import { indexAuditLogByAction } from './0012_index_audit_log_by_action.ts';
import { createUserWaddles } from './0013_create_user_waddles.ts';
import { createPrivacyJobs } from './0014_create_privacy_jobs.ts';
import { indexAuditLogBySubject } from './0015_index_audit_log_by_subject.ts';
import { addExportArchiveExpiry } from './0016_add_export_archive_expiry.ts';
import { createDatabases } from './0017_create_databases.ts';
import { createAttachmentStorage } from './0018_create_attachment_storage.ts';
import { addMessageShardMap } from './0019_add_message_shard_map.ts';
import { createShardDriftCursor } from './0020_create_shard_drift_cursor.ts';
import { dropRegistryMirrors } from './0021_drop_registry_mirrors.ts';
import { requirePrimaryDatabase } from './0022_require_primary_database.ts';

/** Every migration of the central directory database, oldest first. Append only. */
export const centralMigrations: readonly Migration[] = [
  createUsers,
  createUserSettings,
  createWaddles,
  createWaddleMembers,
  createGlobalBans,
  createAuditLog,
  createSizeSamples,
  createMigrationLeases,
  createMonitoredDatabases,
  createSizeAlertStates,
  createMonitorCursors,
  indexAuditLogByAction,
  createUserWaddles,
  createPrivacyJobs,
  indexAuditLogBySubject,
  addExportArchiveExpiry,
  createDatabases,
  createAttachmentStorage,
  addMessageShardMap,
  createShardDriftCursor,
  dropRegistryMirrors,
  requirePrimaryDatabase,
];
