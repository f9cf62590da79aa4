import type { InstanceEventRow } from '../persistence/entities.js';

/** One entry of an instance's hash-chained log, as served. */
export interface EventDto {
  seq: number;
  type: string;
  elementId: string | null;
  actor: string;
  at: string;
  payload: unknown;
  hash: string;
  prevHash: string;
}

export function toEventDto(r: InstanceEventRow): EventDto {
  return {
    seq: r.seq,
    type: r.type,
    elementId: r.elementId,
    actor: r.actor,
    at: new Date(r.at).toISOString(),
    payload: JSON.parse(r.payload) as unknown,
    hash: r.hash,
    prevHash: r.prevHash,
  };
}
