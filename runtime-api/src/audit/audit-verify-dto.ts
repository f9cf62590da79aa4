import type { AuditReport } from './audit-verifier.js';

/**
 * The answer of `GET /api/audit/verify`. `checked` counts events whose hashes were recomputed; when
 * invalid, the first problem found is named by instance, first broken event seq and/or ledger seq,
 * with a reason. Whole-database runs also tell what was covered and the ledger head.
 */
export interface AuditVerifyDto {
  valid: boolean;
  checked: number;
  firstBrokenSeq?: number;
  processInstanceId?: string;
  ledgerSeq?: number;
  reason?: string;
  instances?: number;
  ledgerEntries?: number;
  ledgerHead?: { seq: number; hash: string };
  /** How many problems were found (at most the verifier's cap). */
  problems?: number;
}

export function toAuditVerifyDto(report: AuditReport, wholeDatabase: boolean): AuditVerifyDto {
  const first = report.problems[0];
  return {
    valid: report.valid,
    checked: report.checked,
    ...(first?.firstBrokenSeq !== undefined ? { firstBrokenSeq: first.firstBrokenSeq } : {}),
    ...(first?.processInstanceId !== undefined
      ? { processInstanceId: first.processInstanceId }
      : {}),
    ...(first?.ledgerSeq !== undefined ? { ledgerSeq: first.ledgerSeq } : {}),
    ...(first ? { reason: first.reason } : {}),
    ...(wholeDatabase
      ? {
          instances: report.instances,
          ledgerEntries: report.ledgerEntries,
          ...(report.ledgerHead ? { ledgerHead: report.ledgerHead } : {}),
          ...(first ? { problems: report.problems.length } : {}),
        }
      : {}),
  };
}
