/**
 * `@tidemark/client`: a typed SDK for Marketo's Bulk Activity Extract API, against Marketo itself
 * or Tidemark, and the extraction engine behind `tidemark-extract`. Node built-ins only.
 *
 * What is exported here is the supported surface; src/public-surface.test.ts pins the names, so
 * a change to it is a deliberate one. `@tidemark/client/internal` is not part of it.
 *
 * @example
 * import { MarketoClient, extract } from '@tidemark/client';
 */
export { MarketoClient, normaliseEndpoint } from './api/client.js';
export type { ListExportsOptions, MarketoClientOptions, WaitOptions } from './api/client.js';
export { ExportQuotaError, isMarketoError, MarketoApiError, MarketoError, MarketoTransportError } from './api/errors.js';
export { TokenProvider } from './api/token-provider.js';
export type { FetchLike, TokenProviderOptions } from './api/token-provider.js';
export type { RetryInfo, RetryOptions } from './api/transport.js';
export type { ActivityRow, ActivityType, CreateExportRequest, ExportFormat, ExportJob, ExportStatus } from './api/types.js';
export { EmulatorClient } from './api/emulator-client.js';
export type { Duration, EmulatorClientOptions, EmulatorState, ResetResult } from './api/emulator-client.js';
export { downloadExport } from './files/download.js';
export type { DownloadOptions, DownloadResult } from './files/download.js';
export { readExportRows } from './files/rows.js';
export { extract } from './extract/extract.js';
export type { ExtractOptions, ExtractSummary } from './extract/extract.js';
export type { ExtractEvent } from './extract/ledger.js';
export { StateMismatchError } from './extract/state.js';
export type { ExtractParams, OutputFormat, WindowPhase } from './extract/state.js';
