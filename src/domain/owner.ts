import type { Principal } from '../auth/principal.js';

/**
 * Whose rows a caller sees. Everything is per realm; a project-scoped token additionally sees
 * only rows whose `home` is its project, and an unscoped token only rows that have no project.
 * A row outside the caller's owner does not exist for that caller (404, never 403).
 */
export interface Owner {
  realm: string;
  home: string | null;
}

export const ownerOf = (principal: Principal): Owner => ({
  realm: principal.realm,
  home: principal.scope ?? null,
});
