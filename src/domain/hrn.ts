/** HRNs of the resources Sluice owns, and reading a path id that may be a UUID or an HRN. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type HrnKind = 'pipeline' | 'pipeline-template';

export const isUuid = (value: string) => UUID.test(value);

export const hrnOf = (kind: HrnKind, realm: string, id: string) => `hrn:here:${kind}::${realm}:${id}`;

/**
 * The UUID a path id names, or null when it names nothing this caller could see: an HRN of
 * another realm or kind is treated exactly like an unknown id (404), so nothing leaks across realms.
 */
export function idFromPath(kind: HrnKind, realm: string, value: string): string | null {
  if (isUuid(value)) return value.toLowerCase();
  const prefix = `hrn:here:${kind}::${realm}:`;
  if (!value.startsWith(prefix)) return null;
  const id = value.slice(prefix.length);
  return isUuid(id) ? id.toLowerCase() : null;
}
