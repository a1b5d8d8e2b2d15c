import type { Migration, MigrationProvider } from 'kysely';
import type { DialectName } from '../db.js';
import * as m0001 from './0001_core.js';
import { messagingMigration } from './0002_messaging.js';
import { carriersMigration } from './0004_carriers.js';
import { verifyMigration } from './0003_verify.js';
import { clusterMigration } from './0005_cluster.js';
import { voiceMigration } from './0006_voice.js';
import { videoMigration } from './0007_video.js';
import { callEventsMigration } from './0008_call_events.js';
import { verificationAttemptsAccountMigration } from './0009_verification_attempts_account.js';
import { outgoingCallerIdsMigration } from './0010_outgoing_caller_ids.js';
import { queuesMigration } from './0011_queues.js';
import { webhookCookiesMigration } from './0012_webhook_cookies.js';
import { conferencesMigration } from './0013_conferences.js';
import { transcriptionsMigration } from './0014_transcriptions.js';
import { retentionMigration } from './0015_retention.js';
import { listIndexesMigration } from './0016_list_indexes.js';
import { callNodesMigration } from './0017_call_nodes.js';
import { cacheNotifyMigration } from './0018_cache_notify.js';

/** Every migration, in order. Forward-only: a released entry is never edited or removed. */
export function migrationProvider(dialect: DialectName): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '0001_core': m0001,
    '0002_messaging': messagingMigration(dialect),
    '0003_verify': verifyMigration,
    '0004_carriers': carriersMigration(),
    '0005_cluster': clusterMigration,
    '0006_voice': voiceMigration(dialect),
    '0007_video': videoMigration,
    '0008_call_events': callEventsMigration,
    '0009_verification_attempts_account': verificationAttemptsAccountMigration,
    '0010_outgoing_caller_ids': outgoingCallerIdsMigration,
    '0011_queues': queuesMigration,
    '0012_webhook_cookies': webhookCookiesMigration,
    '0013_conferences': conferencesMigration,
    '0014_transcriptions': transcriptionsMigration,
    '0015_retention': retentionMigration,
    '0016_list_indexes': listIndexesMigration,
    '0017_call_nodes': callNodesMigration,
    '0018_cache_notify': cacheNotifyMigration(dialect),
  };
  return { getMigrations: async () => migrations };
}
