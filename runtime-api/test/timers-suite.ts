/**
 * Durable timers end to end, once per database. The clock is injected and moved by the test; the
 * scheduler's tick is called directly (and runs by itself at start): no sleeping.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, ManualClock, type RuntimeApp, type RuntimeConfig } from '@safeflow/runtime-api';
import type { TestDatabase } from './api-suite.js';
import {
  boundaryTimerFlow,
  client,
  deployXml,
  getInstance,
  loginAdmin,
  startInstance,
  testConfig,
  timerCatchFlow,
} from './http.js';

export function timersSuite(name: string, open: () => Promise<TestDatabase>): void {
  describe(`durable timers on ${name}`, () => {
    let db: TestDatabase;
    let runtime: RuntimeApp;
    let base = '';
    let admin = '';
    const clock = new ManualClock(Date.UTC(2026, 10, 23, 8, 0));
    const call = client(() => base);

    const config = (): RuntimeConfig => testConfig(db, { clock });

    async function boot(): Promise<void> {
      runtime = await createApp(config());
      base = await runtime.listen(0);
      admin = await loginAdmin(call);
    }

    const start = (processKey: string, variables: Record<string, unknown> = {}) =>
      startInstance(call, admin, processKey, variables);

    const instance = (id: string) => getInstance(call, admin, id);
    const timerRows = (id: string) =>
      runtime.dataSource.query(
        runtime.dataSource.options.type === 'postgres'
          ? 'SELECT timer_id, due_at FROM timer WHERE instance_id = $1'
          : 'SELECT timer_id, due_at FROM timer WHERE instance_id = ?',
        [id],
      ) as Promise<Array<{ timer_id: string; due_at: string | number }>>;

    beforeAll(async () => {
      db = await open();
      await boot();
      for (const [pid, xml] of [
        ['timer_catch', timerCatchFlow('timer_catch')],
        ['timer_boundary', boundaryTimerFlow('timer_boundary')],
      ] as const) {
        await deployXml(call, admin, pid, xml);
      }
    }, 60_000);

    afterAll(async () => {
      await runtime?.close();
      await db?.drop();
    });

    it('keeps a timer in the table and fires it when due, not before', async () => {
      const id = await start('timer_catch');
      const rows = await timerRows(id);
      expect(rows.length).toBe(1);
      expect(Number(rows[0]?.due_at)).toBe(clock.now() + 10 * 60_000);
      clock.advance(9 * 60_000);
      await runtime.timers.tick();
      expect((await instance(id)).activeElementIds).toEqual(['wait']);
      clock.advance(60_000);
      expect(await runtime.timers.tick()).toBe(1);
      expect((await instance(id)).activeElementIds).toEqual(['after']);
      expect(await timerRows(id)).toEqual([]);
      const types = (await call('GET', `/api/process-instances/${id}/events`, admin)).body.map(
        (e: { type: string }) => e.type,
      );
      expect(types).toContain('timer.fired');
      expect(
        (await call('GET', `/api/audit/verify?processInstanceId=${id}`, admin)).body.valid,
      ).toBe(true);
    });

    it('drops a cancelled timer; a boundary timer interrupts the task when due', async () => {
      const done = await start('timer_boundary');
      expect((await timerRows(done)).length).toBe(1);
      const [task] = (await call('GET', `/api/tasks?processInstanceId=${done}`, admin)).body;
      expect((await call('POST', `/api/tasks/${task.id}/complete`, admin, {})).status).toBe(200);
      expect(await timerRows(done)).toEqual([]);
      expect((await instance(done)).state).toBe('completed');

      const late = await start('timer_boundary');
      clock.advance(60 * 60_000);
      await runtime.timers.tick();
      expect((await instance(late)).activeElementIds).toEqual(['escalated']);
      expect((await call('GET', `/api/tasks?processInstanceId=${late}`, admin)).body).toEqual([
        expect.objectContaining({ elementId: 'escalated' }),
      ]);
    });

    it('fires timers that fell due while the service was down, on restart', async () => {
      const id = await start('timer_catch');
      const other = await start('timer_boundary');
      await runtime.close();
      clock.advance(2 * 60 * 60_000);
      await boot(); // the scheduler ticks at start
      expect((await instance(id)).activeElementIds).toEqual(['after']);
      expect((await instance(other)).activeElementIds).toEqual(['escalated']);
      expect(await timerRows(id)).toEqual([]);
      expect(await runtime.timers.tick()).toBe(0);
    });

    describe('timer start events', () => {
      const q = (sql: string, params: unknown[] = []) =>
        runtime.dataSource.query(
          runtime.dataSource.options.type === 'postgres'
            ? sql.replace(/\?/g, (_m, i: number) => `$${sql.slice(0, i).split('?').length}`)
            : sql,
          params,
        ) as Promise<Array<Record<string, unknown>>>;
      const started = async (processId: string) =>
        Number(
          (
            await q('SELECT COUNT(*) AS n FROM instance WHERE process_key LIKE ?', [
              `${processId}:%`,
            ])
          )[0]?.n,
        );
      const schedule = (processId: string) =>
        q('SELECT process_key, state, due_at, remaining FROM timer_start WHERE process_id = ?', [
          processId,
        ]);

      it('keeps the due time of a cycle and count across a restart, so it neither restarts from zero nor fires twice', async () => {
        const t0 = clock.now();
        await deployXml(call, admin, 'hourly_round', timerStartFlow('hourly_round', 'R2/PT1H'));
        expect(await schedule('hourly_round')).toEqual([
          expect.objectContaining({ state: 'scheduled', remaining: 1 }),
        ]);
        expect(Number((await schedule('hourly_round'))[0]?.due_at)).toBe(t0 + 3_600_000);

        clock.advance(3_600_000);
        expect(await runtime.timers.tick()).toBe(1);
        expect(await started('hourly_round')).toBe(1);
        expect(await schedule('hourly_round')).toEqual([
          expect.objectContaining({ state: 'scheduled', remaining: 0 }),
        ]);

        // Down for 30 minutes: a fresh schedule would say "in an hour"; the stored one says 30 min.
        await runtime.close();
        clock.advance(30 * 60_000);
        await boot();
        expect(await started('hourly_round')).toBe(1);
        clock.advance(30 * 60_000);
        expect(await runtime.timers.tick()).toBe(1);
        expect(await started('hourly_round')).toBe(2);
        expect(await schedule('hourly_round')).toEqual([
          expect.objectContaining({ state: 'spent', due_at: null }),
        ]);

        // Spent stays spent after another restart.
        await runtime.close();
        clock.advance(5 * 3_600_000);
        await boot();
        await runtime.timers.tick();
        expect(await started('hourly_round')).toBe(2);
        const tasks = (await call('GET', '/api/tasks', admin)).body as Array<{ elementId: string }>;
        expect(tasks.filter((t) => t.elementId === 'round')).toHaveLength(2);
      });

      it('replaces the schedule of the previous version when a new version is deployed', async () => {
        await deployXml(call, admin, 'weekly_drill', timerStartFlow('weekly_drill', 'R/P7D'));
        expect(await schedule('weekly_drill')).toEqual([
          expect.objectContaining({ process_key: 'weekly_drill:1', remaining: null }),
        ]);
        await deployXml(call, admin, 'weekly_drill', timerStartFlow('weekly_drill', 'R/P1D'));
        expect(await schedule('weekly_drill')).toEqual([
          expect.objectContaining({ process_key: 'weekly_drill:2', state: 'scheduled' }),
        ]);
        clock.advance(24 * 3_600_000);
        await runtime.timers.tick();
        const rows = await q('SELECT process_key FROM instance WHERE process_key LIKE ?', [
          'weekly_drill:%',
        ]);
        expect(rows.map((r) => r.process_key)).toEqual(['weekly_drill:2']);
      });
    });
  });
}

/** A timer start event with `cycle` (ISO repeating interval) → user task `round` → end. */
function timerStartFlow(processId: string, cycle: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d_${processId}" targetNamespace="http://safeflow.io/test">
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="every">
      <bpmn:timerEventDefinition><bpmn:timeCycle>${cycle}</bpmn:timeCycle></bpmn:timerEventDefinition>
    </bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="every" targetRef="round"/>
    <bpmn:userTask id="round" name="Fire extinguisher round"/>
    <bpmn:sequenceFlow id="f2" sourceRef="round" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>`;
}
