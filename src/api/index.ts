export { createApiClient } from './client.js';
export { ApiError, isApiError } from './errors.js';
export type { ApiEffect, ApiErrorInit, ApiErrorItem, ApiErrorKind } from './errors.js';
export type * from './types.js';
