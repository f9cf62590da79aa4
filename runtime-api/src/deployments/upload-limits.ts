/**
 * Limits of a multipart deployment upload. A resource may be as large as the default JSON body
 * (`SAFEFLOW_BODY_LIMIT`, 5 MB): BPMN files, form schemas and rule sets are far smaller, so a larger
 * file is a mistake (the wrong file) rather than a model. Above a limit: 413 naming it.
 */
export const MAX_RESOURCE_BYTES = 5 * 1024 * 1024;
/** Files per deployment (a process with its forms and rule sets). */
export const MAX_RESOURCES = 50;
/** All files of one upload together: bounds the memory one request can hold. */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
/** Text fields (`name`) and their size. */
export const MAX_FIELDS = 5;
export const MAX_FIELD_BYTES = 1024;

export function mib(bytes: number): string {
  return `${bytes / (1024 * 1024)} MiB`;
}
