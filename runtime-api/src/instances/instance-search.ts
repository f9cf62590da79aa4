import { In, type DataSource, type SelectQueryBuilder } from 'typeorm';
import { dialectOf } from '../persistence/data-source.js';
import {
  InstanceEntity,
  ProcessDefinitionEntity,
  type InstanceRow,
} from '../persistence/entities.js';
import type { InstanceFilter } from './instance-list-query.js';

/**
 * A variable's value in the stored view as compact JSON text, on either dialect: sqlite's `->`
 * and PostgreSQL's jsonb both render scalars the way JSON.stringify does, so equality of texts is
 * equality of values (strings stay apart from numbers: `"5"` vs `5`).
 */
function variableAsJson(ds: DataSource, param: string): string {
  return dialectOf(ds) === 'postgres'
    ? `CAST(jsonb_extract_path(CAST(i.view AS jsonb), 'variables', CAST(:${param} AS text)) AS text)`
    : `(i.view -> :${param})`;
}

async function applyFilter(
  ds: DataSource,
  q: SelectQueryBuilder<InstanceRow>,
  f: InstanceFilter,
): Promise<boolean> {
  if (f.processId !== undefined) {
    // Every version key of the process; ids may hold LIKE wildcards (`_`), so no prefix match.
    const defs = await ds
      .getRepository(ProcessDefinitionEntity)
      .find({ select: { key: true }, where: { processId: f.processId } });
    if (defs.length === 0) return false;
    q.andWhere({ processKey: In(defs.map((d) => d.key)) });
  }
  if (f.processKey !== undefined)
    q.andWhere('i.processKey = :processKey', { processKey: f.processKey });
  if (f.states !== undefined) q.andWhere('i.state IN (:...states)', { states: f.states });
  if (f.businessKey !== undefined)
    q.andWhere('i.businessKey = :businessKey', { businessKey: f.businessKey });
  if (f.parentInstanceId !== undefined)
    q.andWhere('i.parentId = :parentInstanceId', { parentInstanceId: f.parentInstanceId });
  if (f.startedAfter !== undefined)
    q.andWhere('i.createdAt >= :startedAfter', { startedAfter: f.startedAfter });
  if (f.startedBefore !== undefined)
    q.andWhere('i.createdAt < :startedBefore', { startedBefore: f.startedBefore });
  f.variables.forEach((v, n) => {
    const path = dialectOf(ds) === 'postgres' ? v.name : `$.variables.${v.name}`;
    q.andWhere(`${variableAsJson(ds, `vn${n}`)} IN (:...vc${n})`, {
      [`vn${n}`]: path,
      [`vc${n}`]: v.candidates,
    });
  });
  return true;
}

/** One page of instances, newest first (ties by id, so pages never overlap), and the total. */
export async function searchInstances(
  ds: DataSource,
  filter: InstanceFilter,
): Promise<{ rows: InstanceRow[]; total: number }> {
  const q = ds.getRepository(InstanceEntity).createQueryBuilder('i');
  if (!(await applyFilter(ds, q, filter))) return { rows: [], total: 0 };
  const total = await q.clone().getCount();
  const rows = await q
    .orderBy('i.createdAt', 'DESC')
    .addOrderBy('i.id', 'DESC')
    .offset(filter.offset)
    .limit(filter.limit)
    .getMany();
  return { rows, total };
}
