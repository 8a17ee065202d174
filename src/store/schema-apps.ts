import type { Selectable } from 'kysely';
import type { Json, Timestamp } from './schema.js';

/** The tables of migration 0011: apps, their access keys, and the nonces already used. */
export interface AppTables {
  apps: AppsTable;
  accessKeys: AccessKeysTable;
  oauthNonces: OauthNoncesTable;
}

export interface AppsTable {
  /** The client id (`here.client.id`). */
  id: string;
  realm: string;
  name: string;
  description: string | null;
  /** The user the app acts as (`here.user.id`, the `sub` of its tokens). */
  userId: string;
  roles: Json<string[]>;
  createdBy: string;
  created: Timestamp;
}

export interface AccessKeysTable {
  /** `here.access.key.id`. */
  id: string;
  appId: string;
  realm: string;
  /** Random; the secret is derived from it and the service's secret, never stored. */
  salt: string;
  enabled: boolean;
  created: Timestamp;
  disabled: Timestamp | null;
  lastUsed: Timestamp | null;
}

export interface OauthNoncesTable {
  accessKeyId: string;
  nonce: string;
  /** When the request's timestamp leaves the accepted window: the row is useless after. */
  expires: Timestamp;
}

export type AppRow = Selectable<AppsTable>;
export type AccessKeyRow = Selectable<AccessKeysTable>;
