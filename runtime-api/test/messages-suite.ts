/**
 * Messages and signals end to end, once per database, including instances that wait only in the
 * database (after a restart nothing is in memory).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type RuntimeApp, type RuntimeConfig } from '@safeflow/runtime-api';
import type { TestDatabase } from './api-suite.js';
import {
  client,
  deployXml,
  getInstance,
  loginAdmin,
  messageFlow,
  signalFlow,
  startInstance,
  testConfig,
} from './http.js';

export function messagesSuite(name: string, open: () => Promise<TestDatabase>): void {
  describe(`messages and signals on ${name}`, () => {
    let db: TestDatabase;
    let runtime: RuntimeApp;
    let base = '';
    let admin = '';
    const call = client(() => base);

    const config = (): RuntimeConfig => testConfig(db);

    async function boot(): Promise<void> {
      runtime = await createApp(config());
      base = await runtime.listen(0);
      admin = await loginAdmin(call);
    }

    const start = (processKey: string, variables: Record<string, unknown> = {}) =>
      startInstance(call, admin, processKey, variables);

    const instance = (id: string) => getInstance(call, admin, id);

    beforeAll(async () => {
      db = await open();
      await boot();
      for (const [pid, xml] of [
        ['msg_flow', messageFlow('msg_flow', 'permit-approved')],
        ['sig_flow', signalFlow('sig_flow', 'site-evacuation')],
      ] as const) {
        await deployXml(call, admin, pid, xml);
      }
    }, 60_000);

    afterAll(async () => {
      await runtime?.close();
      await db?.drop();
    });

    it('correlates a message by name and correlation key', async () => {
      const a = await start('msg_flow', { permitNo: 'P-1' });
      const b = await start('msg_flow', { permitNo: 'P-2' });
      const r = await call('POST', '/api/messages', admin, {
        name: 'permit-approved',
        correlationKey: 'P-1',
        variables: { approvedBy: 'li.na' },
      });
      expect(r).toEqual({ status: 200, body: { correlated: 1 } });
      const after = await instance(a);
      expect(after.activeElementIds).toEqual(['after']);
      expect(after.variables.approvedBy).toBe('li.na');
      expect((await instance(b)).activeElementIds).toEqual(['wait']);
      const none = await call('POST', '/api/messages', admin, {
        name: 'permit-approved',
        correlationKey: 'P-1',
      });
      expect(none.body).toEqual({ correlated: 0 });
      const bad = await call('POST', '/api/messages', admin, { correlationKey: 'P-2' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('name');
    });

    it('broadcasts a signal to every waiting instance', async () => {
      const ids = [await start('sig_flow'), await start('sig_flow')];
      const r = await call('POST', '/api/signals', admin, {
        name: 'site-evacuation',
        variables: { zone: 'B2' },
      });
      expect(r).toEqual({ status: 200, body: { delivered: 2 } });
      for (const id of ids) {
        const v = await instance(id);
        expect(v.activeElementIds).toEqual(['after']);
        expect(v.variables.zone).toBe('B2');
      }
      expect((await call('POST', '/api/signals', admin, { name: 'site-evacuation' })).body).toEqual(
        { delivered: 0 },
      );
      expect((await call('POST', '/api/signals', admin, { name: '' })).status).toBe(400);
    });

    it('finds instances that wait only in the database (after a restart)', async () => {
      const m = await start('msg_flow', { permitNo: 'P-9' });
      const s = await start('sig_flow');
      await runtime.close();
      await boot();
      expect(
        (
          await call('POST', '/api/messages', admin, {
            name: 'permit-approved',
            correlationKey: 'P-9',
          })
        ).body,
      ).toEqual({ correlated: 1 });
      expect((await instance(m)).activeElementIds).toEqual(['after']);
      expect((await call('POST', '/api/signals', admin, { name: 'site-evacuation' })).body).toEqual(
        { delivered: 1 },
      );
      expect((await instance(s)).activeElementIds).toEqual(['after']);
      const verify = await call('GET', `/api/audit/verify?processInstanceId=${m}`, admin);
      expect(verify.body.valid).toBe(true);
    });
  });
}
