export { createApiClient } from './client.js';
export { ApiError, isApiError } from './api-error.js';
export type { ApiEffect, ApiErrorInit, ApiErrorItem, ApiErrorKind } from './api-error.js';
export type * from './client-types.js';
