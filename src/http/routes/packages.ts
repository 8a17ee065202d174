import fs from 'node:fs/promises';
import { Type } from '@sinclair/typebox';
import { badRequest, payloadTooLarge, unsupportedMediaType } from '../../domain/errors.js';
import { jarLimitsFor } from '../../packages/jar-inspector.js';
import { storeUploadedJar } from '../../packages/upload.js';
import type { Services } from '../../services.js';
import { insertPackage } from '../../store/packages.js';
import { ownerOf } from '../../domain/owner.js';
import { principal } from '../auth-hook.js';
import { compact } from '../present.js';
import { errors } from '../schemas/common.js';
import { Package, PackageUpload } from '../schemas/package.js';
import type { TypedApp } from './types.js';

/** Room for multipart boundaries and headers around the file itself. */
const MULTIPART_OVERHEAD = 64 * 1024;

export function packageRoutes(app: TypedApp, services: Services): void {
  const maxBytes = services.config.maxPackageBytes;
  const jarLimits = jarLimitsFor(services.config.maxPackageEntries);
  app.post('/v2/packages', {
    schema: {
      operationId: 'createPackage',
      tags: ['Packages'],
      consumes: ['multipart/form-data'],
      body: PackageUpload,
      response: { 201: Type.Ref(Package), ...errors(400, 413, 415) },
    },
    // The multipart stream is read by the handler; the body schema only documents it.
    validatorCompiler: () => () => true,
    onRequest: async (request) => {
      const declared = Number(request.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_OVERHEAD) {
        throw payloadTooLarge(`The package is larger than the limit of ${maxBytes} bytes.`);
      }
    },
  }, async (request, reply) => {
    const caller = principal(request);
    if (!request.isMultipart()) {
      throw unsupportedMediaType('Upload the JAR as multipart/form-data in the field "jarPackage".');
    }
    for await (const part of request.parts()) {
      if (part.type !== 'file' || part.fieldname !== 'jarPackage') {
        if (part.type === 'file') part.file.resume();
        continue;
      }
      const jar = await storeUploadedJar(part, services.packagesDir, { maxBytes, jar: jarLimits });
      const row = await insertPackage(services.db, {
        id: jar.id,
        realm: caller.realm,
        home: ownerOf(caller).home,
        fileName: jar.fileName,
        mainClass: jar.facts.mainClass,
        entryPoints: jar.facts.entryPoints,
        classNames: jar.facts.classNames,
        sizeBytes: jar.sizeBytes,
        sha256: jar.sha256,
        storagePath: jar.storagePath,
        createdBy: caller.userId,
        created: services.now(),
      }).catch(async (error: unknown) => {
        await fs.rm(jar.storagePath, { force: true });
        throw error;
      });
      return reply.status(201).send(compact({
        id: row.id,
        fileName: row.fileName,
        mainClass: row.mainClass ?? undefined,
        entryPoints: row.entryPoints,
      }));
    }
    throw badRequest('No file was uploaded: send the JAR in the multipart field "jarPackage".');
  });
}
