import { Type, type Static } from '@sinclair/typebox';
import { notFound } from '../../domain/errors.js';
import { isUuid } from '../../domain/hrn.js';
import type { Services } from '../../services.js';
import { ownerOf } from '../../domain/owner.js';
import { findPackage, listPackages } from '../../store/packages.js';
import type { PackageRow } from '../../store/schema.js';
import { principal } from '../auth-hook.js';
import { DateTime, errors, Uuid } from '../schemas/common.js';
import type { TypedApp } from './types.js';

/** A package with what Sluice knows of it beyond the contract's Package (which has no GET). */
const PackageInfo = Type.Object({
  id: Uuid,
  fileName: Type.String(),
  mainClass: Type.Optional(Type.String()),
  entryPoints: Type.Array(Type.String()),
  sizeBytes: Type.Integer(),
  sha256: Type.Optional(Type.String({ description: 'Hex SHA-256 of the archive' })),
  created: DateTime,
});

function present(row: PackageRow): Static<typeof PackageInfo> {
  return {
    id: row.id,
    fileName: row.fileName,
    ...(row.mainClass ? { mainClass: row.mainClass } : {}),
    entryPoints: row.entryPoints,
    sizeBytes: row.sizeBytes,
    ...(row.sha256 ? { sha256: row.sha256 } : {}),
    created: row.created.toISOString(),
  };
}

/** `sluice package list|show` and `sluice apply` read packages here (Sluice extension, per realm). */
export function packageReadRoutes(app: TypedApp, services: Services): void {
  const tags = ['Packages'];
  app.get('/sluice/v1/packages', {
    schema: {
      tags, summary: 'List the realm\'s packages',
      querystring: Type.Object({ sha256: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{64}$' })) }),
      response: { 200: Type.Array(PackageInfo), ...errors(400) },
    },
  }, async (request) => (await listPackages(services.db, ownerOf(principal(request)), request.query.sha256)).map(present));

  app.get('/sluice/v1/packages/:packageId', {
    schema: { tags, summary: 'Get a package', params: Type.Object({ packageId: Type.String({ maxLength: 200 }) }), response: { 200: PackageInfo, ...errors(404) } },
  }, async (request) => {
    const { packageId } = request.params;
    const row = isUuid(packageId) ? await findPackage(services.db, ownerOf(principal(request)), packageId.toLowerCase()) : undefined;
    if (!row) throw notFound('Package', packageId);
    return present(row);
  });
}
