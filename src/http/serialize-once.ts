import type { FastifyReply } from 'fastify';

/**
 * Sends a row's response serialized once per row object, for one route: GET routes answer from
 * the read cache (store/cached-reads.ts), whose rows are shared and never modified, so a cached
 * row always makes the same bytes. Presenting and serializing a version was about a tenth of the
 * CPU of a cached GET version (npm run bench -- api-throughput). A row read from the database
 * (cache off or missed) is a new object: its entry is never hit again and goes with it (WeakMap).
 * `variant` is whatever else the bytes depend on (the base URL of links): another variant of the
 * same row is serialized again and replaces the first.
 */
export function serializeOnce(): (reply: FastifyReply, row: object, present: () => unknown, variant?: string) => FastifyReply {
  const serialized = new WeakMap<object, { variant: string | undefined; json: ReturnType<FastifyReply['serialize']> }>();
  return (reply, row, present, variant) => {
    let entry = serialized.get(row);
    // `variant`: what else the bytes depend on (the base URL of links in them); another one replaces the entry.
    if (entry === undefined || entry.variant !== variant) {
      // The route's own serializer for this status: the same bytes Fastify would send.
      entry = { variant, json: reply.serialize(present()) };
      serialized.set(row, entry);
    }
    const { json } = entry;
    // A string with a JSON content type is sent as is (Fastify serializes only objects).
    return reply.type('application/json; charset=utf-8').send(json);
  };
}
