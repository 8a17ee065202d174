/**
 * Where catalog versions come from: the local registry on the embedded default, or the hosted
 * Data API's metadata service. The resolver asks for latest versions; a source that can tell
 * when a version is published also calls the listeners at once (polling is the safety net).
 */
export interface CatalogVersionSource {
  readonly name: string;
  /** Latest version per catalog HRN; −1 for a catalog without versions. */
  latestVersions(realm: string, catalogHrns: string[]): Promise<Map<string, number>>;
  onPublished(listener: (event: { realm: string; catalogHrn: string; version: number }) => void): void;
}
