import type { Static } from '@sinclair/typebox';
import type { AccessKeyRow, AppRow } from '../store/schema-apps.js';
import type { AccessKey, App } from './schemas/app.js';

export function presentApp(row: AppRow): Static<typeof App> {
  return {
    id: row.id,
    name: row.name,
    ...(row.description !== null ? { description: row.description } : {}),
    realm: row.realm,
    userId: row.userId,
    roles: row.roles,
    createdBy: row.createdBy,
    created: row.created.toISOString(),
  };
}

export function presentAccessKey(row: AccessKeyRow): Static<typeof AccessKey> {
  return {
    id: row.id,
    appId: row.appId,
    state: row.enabled ? 'enabled' : 'disabled',
    created: row.created.toISOString(),
    ...(row.disabled ? { disabled: row.disabled.toISOString() } : {}),
    ...(row.lastUsed ? { lastUsed: row.lastUsed.toISOString() } : {}),
  };
}
