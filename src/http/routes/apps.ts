import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { newIdentifier, newSalt } from '../../auth/access-key-secrets.js';
import type { TokenIssuer } from '../../auth/token-issuer.js';
import { formatCredentials } from '../../domain/credentials-file.js';
import { badRequest, conflict, notFound } from '../../domain/errors.js';
import type { Services } from '../../services.js';
import * as store from '../../store/apps.js';
import type { AccessKeyRow, AppRow } from '../../store/schema-apps.js';
import { principal } from '../auth-hook.js';
import { baseUrlOf } from '../base-url.js';
import { orgAdminOnly } from '../org-admin.js';
import { presentAccessKey, presentApp } from '../present-app.js';
import { AccessKey, App, AppInput, AppParams, CreatedApp, KeyParams, NewAccessKey } from '../schemas/app.js';
import { errors } from '../schemas/common.js';
import type { TypedApp } from './types.js';

const tags = ['Apps'];
/** As on the HERE platform: an app has at most two enabled keys, enough to rotate without a gap. */
export const ENABLED_KEYS_PER_APP = 2;

/**
 * Apps a realm's OrgAdmin creates for clients that authenticate with `credentials.properties`
 * (HERE SDKs, the OLP CLI, `sluice`). Another realm's app does not exist for the caller (404).
 */
export function appRoutes(app: TypedApp, services: Services): void {
  const admin = (action: string) => [orgAdminOnly(action), async () => { issuerOf(services); }];

  app.post('/sluice/v1/apps', {
    preValidation: admin('create apps'),
    schema: { tags, summary: 'Create an app and its first access key', body: AppInput, response: { 201: CreatedApp, ...errors(400, 403) } },
  }, async (request, reply) => {
    const caller = principal(request);
    const created = await store.createApp(services.db, {
      id: newIdentifier(),
      realm: caller.realm,
      name: request.body.name,
      description: request.body.description,
      userId: `HERE-${randomUUID()}`,
      roles: request.body.roles ?? [],
      createdBy: caller.userId,
      created: services.now(),
    }, { id: newIdentifier(), salt: newSalt() });
    return reply.status(201).send({
      app: presentApp(created.app),
      accessKey: presentAccessKey(created.key),
      credentials: credentialsOf(services, request, created.app, created.key),
    });
  });

  app.get('/sluice/v1/apps', {
    preValidation: orgAdminOnly('list apps'),
    schema: { tags, summary: 'List the realm\'s apps', response: { 200: Type.Array(Type.Ref(App)), ...errors(403) } },
  }, async (request) => (await store.listApps(services.db, principal(request).realm)).map(presentApp));

  app.get('/sluice/v1/apps/:appId', {
    preValidation: orgAdminOnly('read apps'),
    schema: { tags, summary: 'Get an app', params: AppParams, response: { 200: Type.Ref(App), ...errors(403, 404) } },
  }, async (request) => presentApp(await appFromPath(services, request, request.params.appId)));

  app.delete('/sluice/v1/apps/:appId', {
    preValidation: orgAdminOnly('delete apps'),
    schema: { tags, summary: 'Delete an app and its keys (their tokens are refused from then on)', params: AppParams, response: { 204: Type.Null(), ...errors(403, 404) } },
  }, async (request, reply) => {
    if (!(await store.deleteApp(services.db, principal(request).realm, request.params.appId))) throw notFound('App', request.params.appId);
    return reply.status(204).send(null);
  });

  app.get('/sluice/v1/apps/:appId/keys', {
    preValidation: orgAdminOnly('list access keys'),
    schema: { tags, summary: 'List an app\'s access keys (never their secrets)', params: AppParams, response: { 200: Type.Array(Type.Ref(AccessKey)), ...errors(403, 404) } },
  }, async (request) => {
    const row = await appFromPath(services, request, request.params.appId);
    return (await store.listKeys(services.db, row)).map(presentAccessKey);
  });

  app.post('/sluice/v1/apps/:appId/keys', {
    preValidation: admin('create access keys'),
    schema: { tags, summary: 'Create another access key', params: AppParams, response: { 201: NewAccessKey, ...errors(400, 403, 404, 409) } },
  }, async (request, reply) => {
    const row = await appFromPath(services, request, request.params.appId);
    const key = await addKey(services, row);
    return reply.status(201).send({ accessKey: presentAccessKey(key), credentials: credentialsOf(services, request, row, key) });
  });

  app.post('/sluice/v1/apps/:appId/keys/:keyId/rotate', {
    preValidation: admin('rotate access keys'),
    schema: { tags, summary: 'Replace a key: a new key, and this one disabled, at once', params: KeyParams, response: { 201: NewAccessKey, ...errors(400, 403, 404, 409) } },
  }, async (request, reply) => {
    const row = await appFromPath(services, request, request.params.appId);
    const old = await keyFromPath(services, row, request.params.keyId);
    const key = await addKey(services, row, old.id);
    return reply.status(201).send({ accessKey: presentAccessKey(key), credentials: credentialsOf(services, request, row, key) });
  });

  for (const [verb, enabled] of [['disable', false], ['enable', true]] as const) {
    app.post(`/sluice/v1/apps/:appId/keys/:keyId/${verb}`, {
      preValidation: orgAdminOnly(`${verb} access keys`),
      schema: { tags, summary: `${verb === 'disable' ? 'Disable a key: its tokens are refused from their next request' : 'Enable a disabled key again'}`, params: KeyParams, response: { 200: Type.Ref(AccessKey), ...errors(403, 404, 409) } },
    }, async (request) => {
      const row = await appFromPath(services, request, request.params.appId);
      await keyFromPath(services, row, request.params.keyId);
      if (enabled) {
        const keys = await store.listKeys(services.db, row);
        if (keys.filter((k) => k.enabled && k.id !== request.params.keyId).length >= ENABLED_KEYS_PER_APP) throw keyLimit(row);
      }
      const key = await store.setKeyEnabled(services.db, row, request.params.keyId, enabled, services.now());
      if (!key) throw notFound('Access key', request.params.keyId);
      return presentAccessKey(key);
    });
  }
}

function issuerOf(services: Services): TokenIssuer {
  if (!services.tokenIssuer) {
    throw badRequest('Sluice issues no tokens when SLUICE_JWKS_URL is set (tokens come from the identity provider), so it offers no app credentials.');
  }
  return services.tokenIssuer;
}

async function appFromPath(services: Services, request: FastifyRequest, appId: string): Promise<AppRow> {
  const row = await store.findApp(services.db, principal(request).realm, appId);
  if (!row) throw notFound('App', appId);
  return row;
}

async function keyFromPath(services: Services, app: AppRow, keyId: string): Promise<AccessKeyRow> {
  const key = await store.findKey(services.db, app, keyId);
  if (!key) throw notFound('Access key', keyId);
  return key;
}

const keyLimit = (app: AppRow) =>
  conflict(`App ${app.id} already has ${ENABLED_KEYS_PER_APP} enabled access keys: disable one first, or rotate one.`);

async function addKey(services: Services, app: AppRow, replacing?: string): Promise<AccessKeyRow> {
  const key = await store.addKey(services.db, app, { id: newIdentifier(), salt: newSalt() }, { at: services.now(), limit: ENABLED_KEYS_PER_APP, replacing });
  if (key === 'limit') throw keyLimit(app);
  return key;
}

function credentialsOf(services: Services, request: FastifyRequest, app: AppRow, key: AccessKeyRow): string {
  return formatCredentials({
    userId: app.userId,
    clientId: app.id,
    accessKeyId: key.id,
    accessKeySecret: issuerOf(services).secrets.secretOf(key.id, key.salt),
    tokenEndpointUrl: `${baseUrlOf(services, request)}/oauth2/token`,
  });
}
