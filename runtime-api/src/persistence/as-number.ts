import type { ValueTransformer } from 'typeorm';

/** bigint columns come back as strings from PostgreSQL; times are ms since epoch everywhere. */
export const asNumber: ValueTransformer = {
  to: (v: unknown) => v,
  from: (v: unknown) => (v === null || v === undefined ? v : Number(v)),
};
