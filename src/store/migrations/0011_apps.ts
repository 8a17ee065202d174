import { sql, type Kysely } from 'kysely';

/**
 * Apps and their access keys (the `credentials.properties` a client signs token requests with),
 * and the nonces of the token requests already answered.
 *
 * No secret is stored, not even encrypted: a key's secret is derived from the service's secret
 * and the key's random salt (src/auth/access-key-secrets.ts). Nonces are rows, not memory, so a
 * request replayed to another replica is refused too; the primary key makes the check and the
 * record one statement.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `create table apps (
      id text primary key,
      realm text not null,
      name text not null,
      description text,
      user_id text not null,
      roles jsonb not null,
      created_by text not null,
      created timestamptz not null
    )`,
    `create index apps_realm on apps (realm, created)`,
    `create table access_keys (
      id text primary key,
      app_id text not null references apps (id) on delete cascade,
      realm text not null,
      salt text not null,
      enabled boolean not null,
      created timestamptz not null,
      disabled timestamptz,
      last_used timestamptz
    )`,
    `create index access_keys_app on access_keys (app_id, created)`,
    `create table oauth_nonces (
      access_key_id text not null,
      nonce text not null,
      expires timestamptz not null,
      primary key (access_key_id, nonce)
    )`,
    `create index oauth_nonces_expires on oauth_nonces (expires)`,
    // `sluice apply` uploads a JAR only when the realm has no package with the same content.
    `alter table packages add column sha256 text`,
    `create index packages_digest on packages (realm, sha256)`,
    // A key's state is cached by every replica for the auth check of each request (migration
    // 0005's feed): a disabled or deleted key must reach them all.
    `create trigger access_keys_notify_change after update or delete on access_keys
      for each row execute function sluice_notify_change()`,
    `create trigger access_keys_notify_truncate after truncate on access_keys
      for each statement execute function sluice_notify_change()`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Sluice migrations are forward-only');
}
