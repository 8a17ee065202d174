import type { CatalogVersionSource } from './source.js';

export interface HostedMetadataSettings {
  /** Base URL of a catalog's metadata API, with `{catalogHrn}` where the HRN goes. */
  urlTemplate: string;
  token?: string;
  timeoutMs: number;
}

/**
 * The hosted Data API's metadata service: `GET <base>/versions/latest?startVersion=-1` answers
 * `{"version": N}`; a catalog without versions answers 404. Polled (it has no push), so
 * `onPublished` never fires: the resolver's poll is how changes are seen.
 */
export class HostedMetadataSource implements CatalogVersionSource {
  readonly name = 'hosted';

  constructor(private readonly settings: HostedMetadataSettings) {}

  onPublished(): void {}

  async latestVersions(_realm: string, catalogHrns: string[]): Promise<Map<string, number>> {
    const unique = [...new Set(catalogHrns)];
    const versions = await Promise.all(unique.map((hrn) => this.latest(hrn)));
    return new Map(unique.map((hrn, i) => [hrn, versions[i]]));
  }

  private async latest(catalogHrn: string): Promise<number> {
    const base = this.settings.urlTemplate.replace('{catalogHrn}', encodeURIComponent(catalogHrn)).replace(/\/$/, '');
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.settings.token) headers.authorization = `Bearer ${this.settings.token}`;
    const response = await fetch(`${base}/versions/latest?startVersion=-1`, {
      headers,
      signal: AbortSignal.timeout(this.settings.timeoutMs),
    });
    if (response.status === 404) return -1;
    if (!response.ok) throw new Error(`metadata service answered ${response.status} for ${catalogHrn}`);
    const body = (await response.json()) as { version?: unknown };
    if (typeof body.version !== 'number' || !Number.isInteger(body.version)) {
      throw new Error(`metadata service gave no integer version for ${catalogHrn}`);
    }
    return body.version;
  }
}
