import { Type } from '@sinclair/typebox';
import { DateTime, Description, Name } from './common.js';

/** Sluice extensions (not in the contract): apps, their access keys, and the token endpoint. */
export const App = Type.Object({
  id: Type.String({ description: 'The client id (here.client.id)' }),
  name: Type.String(),
  description: Type.Optional(Type.String()),
  realm: Type.String(),
  userId: Type.String({ description: 'The user the app acts as (here.user.id; the sub of its tokens)' }),
  roles: Type.Array(Type.String()),
  createdBy: Type.String(),
  created: DateTime,
}, { $id: 'App', title: 'App' });

export const AccessKey = Type.Object({
  id: Type.String({ description: 'here.access.key.id' }),
  appId: Type.String(),
  state: Type.Union([Type.Literal('enabled'), Type.Literal('disabled')]),
  created: DateTime,
  disabled: Type.Optional(DateTime),
  lastUsed: Type.Optional(Type.String({ format: 'date-time', description: 'When the key last got a token' })),
}, { $id: 'AccessKey', title: 'AccessKey' });

export const AppInput = Type.Object({
  name: Name,
  description: Type.Optional(Description),
  roles: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$' }), { maxItems: 20, uniqueItems: true })),
}, { additionalProperties: false });

/** A new key: the only time its secret is shown, inside a credentials.properties text. */
export const NewAccessKey = Type.Object({
  accessKey: Type.Ref(AccessKey),
  credentials: Type.String({ description: 'credentials.properties for this key (HERE format); its secret is not shown again' }),
});

export const CreatedApp = Type.Object({
  app: Type.Ref(App),
  accessKey: Type.Ref(AccessKey),
  credentials: Type.String({ description: 'credentials.properties for the app\'s first key (HERE format); its secret is not shown again' }),
});

const Id = Type.String({ maxLength: 64 });
export const AppParams = Type.Object({ appId: Id });
export const KeyParams = Type.Object({ appId: Id, keyId: Id });
