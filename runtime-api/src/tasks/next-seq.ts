import type { ObjectLiteral, Repository } from 'typeorm';

/**
 * Inserts a row numbered one past the task's highest `seq`. `(task_id, seq)` is unique, so two
 * concurrent inserts cannot share a number: the loser reads the new highest and tries again.
 */
export async function insertWithNextSeq<T extends ObjectLiteral & { taskId: string; seq: number }>(
  repo: Repository<T>,
  row: Omit<T, 'seq'>,
  attempts = 5,
): Promise<T> {
  for (let i = 1; ; i++) {
    const top = await repo
      .createQueryBuilder('r')
      .select('MAX(r.seq)', 'max')
      .where('r.task_id = :taskId', { taskId: row.taskId })
      .getRawOne<{ max: number | string | null }>();
    const full = { ...row, seq: Number(top?.max ?? 0) + 1 } as unknown as T;
    try {
      await repo.insert(full);
      return full;
    } catch (e) {
      if (i >= attempts) throw e;
    }
  }
}
