/** Who is calling, as read from a verified token. */
export interface Principal {
  /** `sub`: stored as `userId` on operations. */
  userId: string;
  realm: string;
  roles: string[];
  /** A project HRN when the token is project-scoped: rows created then carry it as `home`. */
  scope?: string;
  /** `client_id` / `azp`, when the token names the client application. */
  clientId?: string;
  /** The access key a token from `POST /oauth2/token` was issued to: checked on every request. */
  accessKeyId?: string;
}

export const isOrgAdmin = (principal: Principal) => principal.roles.includes('OrgAdmin');
