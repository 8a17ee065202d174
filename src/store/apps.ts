import type { Db } from './database.js';
import type { AccessKeyRow, AppRow } from './schema-apps.js';

export interface NewApp {
  id: string;
  realm: string;
  name: string;
  description?: string;
  userId: string;
  roles: string[];
  createdBy: string;
  created: Date;
}

export interface NewAccessKey {
  id: string;
  salt: string;
}

/** An app with its first access key, in one transaction. */
export async function createApp(db: Db, app: NewApp, key: NewAccessKey): Promise<{ app: AppRow; key: AccessKeyRow }> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('apps').values({ ...app, description: app.description ?? null, roles: JSON.stringify(app.roles) })
      .returningAll().executeTakeFirstOrThrow();
    const keyRow = await insertKey(trx, row, key, app.created);
    return { app: row, key: keyRow };
  });
}

async function insertKey(db: Db, app: AppRow, key: NewAccessKey, at: Date): Promise<AccessKeyRow> {
  return db.insertInto('accessKeys')
    .values({ id: key.id, appId: app.id, realm: app.realm, salt: key.salt, enabled: true, created: at })
    .returningAll().executeTakeFirstOrThrow();
}

export async function listApps(db: Db, realm: string): Promise<AppRow[]> {
  return db.selectFrom('apps').selectAll().where('realm', '=', realm).orderBy('created').orderBy('id').execute();
}

export async function findApp(db: Db, realm: string, id: string): Promise<AppRow | undefined> {
  return db.selectFrom('apps').selectAll().where('realm', '=', realm).where('id', '=', id).executeTakeFirst();
}

/** Deletes the app and (by cascade) its keys: their tokens are refused from the next request on. */
export async function deleteApp(db: Db, realm: string, id: string): Promise<boolean> {
  const deleted = await db.deleteFrom('apps').where('realm', '=', realm).where('id', '=', id).executeTakeFirst();
  return deleted.numDeletedRows > 0n;
}

export async function listKeys(db: Db, app: AppRow): Promise<AccessKeyRow[]> {
  return db.selectFrom('accessKeys').selectAll().where('appId', '=', app.id).orderBy('created').orderBy('id').execute();
}

export async function findKey(db: Db, app: AppRow, keyId: string): Promise<AccessKeyRow | undefined> {
  return db.selectFrom('accessKeys').selectAll().where('appId', '=', app.id).where('id', '=', keyId).executeTakeFirst();
}

/**
 * A new key for the app, refused when it already has `limit` enabled keys (checked with the
 * app's row locked, so two concurrent requests cannot both take the last place). With
 * `replacing`, that key is disabled in the same transaction: a rotation.
 */
export async function addKey(
  db: Db,
  app: AppRow,
  key: NewAccessKey,
  options: { at: Date; limit: number; replacing?: string },
): Promise<AccessKeyRow | 'limit'> {
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom('apps').select('id').where('id', '=', app.id).forUpdate().executeTakeFirst();
    if (options.replacing) {
      await trx.updateTable('accessKeys').set({ enabled: false, disabled: options.at })
        .where('appId', '=', app.id).where('id', '=', options.replacing).where('enabled', '=', true).execute();
    }
    const { count } = await trx.selectFrom('accessKeys').select((eb) => eb.fn.countAll<number>().as('count'))
      .where('appId', '=', app.id).where('enabled', '=', true).executeTakeFirstOrThrow();
    if (Number(count) >= options.limit) return 'limit';
    return insertKey(trx, app, key, options.at);
  });
}

export async function setKeyEnabled(db: Db, app: AppRow, keyId: string, enabled: boolean, at: Date): Promise<AccessKeyRow | undefined> {
  return db.updateTable('accessKeys')
    .set({ enabled, disabled: enabled ? null : at })
    .where('appId', '=', app.id).where('id', '=', keyId)
    .returningAll().executeTakeFirst();
}

export interface KeyWithApp {
  key: AccessKeyRow;
  app: AppRow;
}

/** A key and its app, whatever the realm: the token endpoint knows only the key id. */
export async function findKeyWithApp(db: Db, keyId: string): Promise<KeyWithApp | undefined> {
  const key = await db.selectFrom('accessKeys').selectAll().where('id', '=', keyId).executeTakeFirst();
  if (!key) return undefined;
  const app = await db.selectFrom('apps').selectAll().where('id', '=', key.appId).executeTakeFirst();
  return app ? { key, app } : undefined;
}

/** Whether a key exists and is enabled (the auth check of every request made with its tokens). */
export async function isKeyEnabled(db: Db, keyId: string): Promise<boolean> {
  const row = await db.selectFrom('accessKeys').select('enabled').where('id', '=', keyId).executeTakeFirst();
  return row?.enabled === true;
}

/**
 * Records a nonce of a signed token request; false when the key already used it (a replay).
 * One statement, so of two replicas handed the same request exactly one wins. Nonces whose
 * window has passed are dropped on the way: a replay of those is refused by its timestamp.
 */
export async function useNonce(db: Db, keyId: string, nonce: string, expires: Date, now: Date): Promise<boolean> {
  await db.deleteFrom('oauthNonces').where('accessKeyId', '=', keyId).where('expires', '<', now).execute();
  const inserted = await db.insertInto('oauthNonces').values({ accessKeyId: keyId, nonce, expires })
    .onConflict((conflict) => conflict.columns(['accessKeyId', 'nonce']).doNothing())
    .returning('nonce').executeTakeFirst();
  return inserted !== undefined;
}

/** When the key last got a token (shown in key listings). */
export async function touchKey(db: Db, keyId: string, at: Date): Promise<void> {
  await db.updateTable('accessKeys').set({ lastUsed: at }).where('id', '=', keyId).execute();
}
