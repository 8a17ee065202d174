import type { FastifyRequest } from 'fastify';
import type { Services } from '../services.js';

/** Where clients reach this service: SLUICE_PUBLIC_URL, else the host the request came to. */
export const baseUrlOf = (services: Services, request: FastifyRequest) =>
  services.config.publicUrl?.replace(/\/$/, '') ?? `${request.protocol}://${request.host}`;
