import { Type } from '@sinclair/typebox';
import { Uuid } from './common.js';

export const Package = Type.Object(
  {
    id: Uuid,
    fileName: Type.String({ maxLength: 200 }),
    mainClass: Type.Optional(Type.String()),
    entryPoints: Type.Array(Type.String()),
  },
  { $id: 'Package', title: 'Package' },
);

/** Documents the multipart body for OpenAPI; the multipart parser reads it, not the validator. */
export const PackageUpload = Type.Object({
  jarPackage: Type.String({ format: 'binary', description: 'The JAR file (≤ SLUICE_MAX_PACKAGE_BYTES)' }),
});
