import { seg } from '../api-client.js';

export const VERSION_COLUMNS = ['id', 'name', 'versionNumber', 'state', 'pipelineTemplateId', 'outputCatalogHRN', 'created'];
export const OPERATION_COLUMNS = ['id', 'requestType', 'state', 'message', 'userId', 'created'];

export const versionPath = (pipelineId: string, versionId: string) => `/v2/pipelines/${seg(pipelineId)}/versions/${seg(versionId)}`;
