/** Where the console is served, and the page of one version (a version's `pipelineUIUrl`). */
export const CONSOLE_PATH = '/console';

export const versionPagePath = (pipelineId: string, versionId: string) =>
  `${CONSOLE_PATH}/pipelines/${pipelineId}/versions/${versionId}`;
