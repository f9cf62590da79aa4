/**
 * The global audit ledger end to end, once per database: commands seal instance heads into one
 * hash chain; `GET /api/audit/verify` (the whole database, or one instance) finds every kind of
 * tampering an operator with database access could try, naming the instance and the first broken
 * event or ledger entry. Each tamper test puts the rows back afterwards and sees the database verify
 * valid again, so the finding is caused by exactly that tampering.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, eventHash, GENESIS_HASH, type RuntimeApp } from '@safeflow/runtime-api';
import { verifyDatabase } from '../src/audit/audit-verifier.js';
import type { TestDatabase } from './api-suite.js';
import { client, deployXml, loginAdmin, testConfig } from './http.js';

/** start → user task `check` → user task `sign` → end: three commits per instance. */
const TWO_TASKS = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d_ledger" targetNamespace="http://safeflow.io/test">
  <bpmn:process id="ledger_permit" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check"/>
    <bpmn:userTask id="check" name="Check the area">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="worker"/></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="sign"/>
    <bpmn:userTask id="sign" name="Sign the permit">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="worker"/></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="sign" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>`;

type Row = Record<string, unknown>;

export function ledgerSuite(name: string, open: () => Promise<TestDatabase>): void {
  describe(`audit ledger on ${name}`, () => {
    let db: TestDatabase;
    let runtime: RuntimeApp;
    let base = '';
    let admin = '';
    let auditor = '';
    let worker = '';
    const call = client(() => base);
    const pg = () => runtime.dataSource.options.type === 'postgres';

    /** Runs SQL written with `?` placeholders on either dialect. */
    function sql(text: string, params: unknown[] = []): Promise<Row[]> {
      let i = 0;
      const query = pg() ? text.replace(/\?/g, () => `$${++i}`) : text;
      return runtime.dataSource.query(query, params) as Promise<Row[]>;
    }

    /**
     * What an attacker with database access does: statements with foreign keys switched off (a
     * superuser can), so an instance row can go without its projections.
     */
    async function tamper(statements: Array<[string, unknown[]?]>): Promise<void> {
      if (pg()) {
        const qr = runtime.dataSource.createQueryRunner();
        await qr.connect();
        try {
          await qr.query('SET session_replication_role = replica');
          for (const [text, params = []] of statements) {
            let i = 0;
            await qr.query(
              text.replace(/\?/g, () => `$${++i}`),
              params,
            );
          }
        } finally {
          await qr.query('RESET session_replication_role');
          await qr.release();
        }
      } else {
        await sql('PRAGMA foreign_keys = OFF');
        try {
          for (const [text, params = []] of statements) await sql(text, params);
        } finally {
          await sql('PRAGMA foreign_keys = ON');
        }
      }
    }

    /** INSERT statements that put `rows` of `table` back as they were. */
    function reinsert(table: string, rows: Row[]): Array<[string, unknown[]]> {
      return rows.map((r) => {
        const cols = Object.keys(r);
        return [
          `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
          cols.map((c) => r[c]),
        ];
      });
    }

    const verifyAll = () => call('GET', '/api/audit/verify', admin);
    const verifyOne = (id: string) =>
      call('GET', `/api/audit/verify?processInstanceId=${id}`, admin);

    async function expectValid(): Promise<void> {
      const r = await verifyAll();
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ valid: true });
      expect(r.body.reason).toBeUndefined();
    }

    async function startPermit(token = admin): Promise<string> {
      const r = await call('POST', '/api/process-instances', token, {
        processKey: 'ledger_permit',
      });
      expect(r.status).toBe(201);
      return r.body.id as string;
    }

    async function completeOpenTask(id: string, token = admin): Promise<void> {
      const tasks = await call('GET', `/api/tasks?processInstanceId=${id}`, admin);
      expect(tasks.status).toBe(200);
      const r = await call('POST', `/api/tasks/${tasks.body[0].id}/complete`, token, {
        variables: { note: `done by ${token === admin ? 'admin' : 'worker'}` },
      });
      expect(r.status).toBe(200);
    }

    const ledgerOf = async (id: string) =>
      (
        await sql(
          'SELECT seq, instance_seq, head_hash FROM audit_ledger WHERE instance_id = ? ORDER BY seq',
          [id],
        )
      ).map((r) => ({
        seq: Number(r.seq),
        instanceSeq: Number(r.instance_seq),
        headHash: String(r.head_hash),
      }));

    const eventsOf = (id: string) =>
      sql('SELECT * FROM instance_event WHERE instance_id = ? ORDER BY seq', [id]);

    const instanceRow = async (id: string) =>
      (await sql('SELECT * FROM instance WHERE id = ?', [id]))[0]!;

    beforeAll(async () => {
      db = await open();
      runtime = await createApp(testConfig(db));
      base = await runtime.listen(0);
      admin = await loginAdmin(call);
      await deployXml(call, admin, 'ledger_permit', TWO_TASKS);
      for (const [username, role] of [
        ['lea.auditor', 'auditor'],
        ['li.worker', 'worker'],
      ]) {
        const r = await call('POST', '/api/users', admin, {
          username,
          password: 'password-123',
          roles: [role],
        });
        expect(r.status).toBe(201);
      }
      for (const u of ['lea.auditor', 'li.worker']) {
        const r = await call('POST', '/api/auth/login', undefined, {
          username: u,
          password: 'password-123',
        });
        expect(r.status).toBe(200);
        if (u === 'lea.auditor') auditor = r.body.accessToken;
        else worker = r.body.accessToken;
      }
    }, 60_000);

    afterAll(async () => {
      await runtime?.close();
      await db?.drop();
    });

    it('seals every command: one ledger entry per instance written, chained, matching the heads', async () => {
      const id = await startPermit();
      await completeOpenTask(id);
      const entries = await ledgerOf(id);
      const row = await instanceRow(id);
      expect(entries).toHaveLength(2);
      expect(entries[1]!.seq).toBeGreaterThan(entries[0]!.seq);
      expect(entries[1]).toMatchObject({
        instanceSeq: Number(row.last_seq),
        headHash: row.head_hash,
      });
      const sealed = await eventsOf(id);
      expect(sealed.find((e) => Number(e.seq) === entries[0]!.instanceSeq)!.hash).toBe(
        entries[0]!.headHash,
      );
      const all = await sql('SELECT seq, prev_hash, hash FROM audit_ledger ORDER BY seq');
      expect(all.map((r) => Number(r.seq))).toEqual(all.map((_, i) => i + 1));
      expect(all[0]!.prev_hash).toBe(GENESIS_HASH);
      for (let i = 1; i < all.length; i++) expect(all[i]!.prev_hash).toBe(all[i - 1]!.hash);
    });

    it('verifies a clean database of several instances after parallel commands', async () => {
      const ids = await Promise.all(
        Array.from({ length: 8 }, (_, i) => startPermit(i % 2 ? worker : admin)),
      );
      await Promise.all(ids.map((id, i) => completeOpenTask(id, i % 2 ? worker : admin)));
      await Promise.all(ids.slice(0, 4).map((id) => completeOpenTask(id)));
      const r = await verifyAll();
      expect(r.status).toBe(200);
      const [{ n }] = (await sql('SELECT COUNT(*) AS n FROM audit_ledger')) as [{ n: unknown }];
      const [{ events }] = (await sql('SELECT COUNT(*) AS events FROM instance_event')) as [
        { events: unknown },
      ];
      const [{ instances }] = (await sql('SELECT COUNT(*) AS instances FROM instance')) as [
        { instances: unknown },
      ];
      expect(r.body).toEqual({
        valid: true,
        checked: Number(events),
        instances: Number(instances),
        ledgerEntries: Number(n),
        ledgerHead: { seq: Number(n), hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
      });
      for (const id of ids) {
        expect((await ledgerOf(id)).length).toBeGreaterThanOrEqual(2);
        const one = await verifyOne(id);
        expect(one.body).toEqual({ valid: true, checked: (await eventsOf(id)).length });
      }
    });

    it('lets the admin and the auditor verify, nobody else; checks the query', async () => {
      expect((await call('GET', '/api/audit/verify', auditor)).body.valid).toBe(true);
      expect((await call('GET', '/api/audit/verify', worker)).status).toBe(403);
      expect((await call('GET', '/api/audit/verify')).status).toBe(401);
      const empty = await call('GET', '/api/audit/verify?processInstanceId=', auditor);
      expect(empty.status).toBe(400);
      expect(empty.body.errors[0].field).toBe('processInstanceId');
      const twice = await call(
        'GET',
        '/api/audit/verify?processInstanceId=a&processInstanceId=b',
        admin,
      );
      expect(twice.status).toBe(400);
      const unknown = await call('GET', '/api/audit/verify?processInstanceId=no-such-id', admin);
      expect(unknown.status).toBe(404);
      expect(unknown.body.message).toContain('no-such-id');
    });

    it('detects an edited event payload, naming the instance and the event', async () => {
      const id = await startPermit();
      await completeOpenTask(id);
      const events = await eventsOf(id);
      const target = events[events.length - 2]!;
      await tamper([
        [
          'UPDATE instance_event SET payload = ? WHERE instance_id = ? AND seq = ?',
          [JSON.stringify({ note: 'forged' }), id, target.seq],
        ],
      ]);
      const r = await verifyAll();
      expect(r.body).toMatchObject({
        valid: false,
        processInstanceId: id,
        firstBrokenSeq: Number(target.seq),
        reason: expect.stringContaining('edited'),
      });
      expect((await verifyOne(id)).body).toMatchObject({
        valid: false,
        checked: Number(target.seq),
        firstBrokenSeq: Number(target.seq),
        processInstanceId: id,
      });
      await tamper([
        [
          'UPDATE instance_event SET payload = ? WHERE instance_id = ? AND seq = ?',
          [target.payload, id, target.seq],
        ],
      ]);
      await expectValid();
    });

    it('detects an edited actor', async () => {
      const id = await startPermit(worker);
      await completeOpenTask(id, worker);
      const events = await eventsOf(id);
      const done = events.find((e) => e.type === 'task.completed')!;
      expect(done.actor).toBe('li.worker');
      await tamper([
        [
          'UPDATE instance_event SET actor = ? WHERE instance_id = ? AND seq = ?',
          ['admin', id, done.seq],
        ],
      ]);
      expect((await verifyAll()).body).toMatchObject({
        valid: false,
        processInstanceId: id,
        firstBrokenSeq: Number(done.seq),
      });
      await tamper([
        [
          'UPDATE instance_event SET actor = ? WHERE instance_id = ? AND seq = ?',
          ['li.worker', id, done.seq],
        ],
      ]);
      await expectValid();
    });

    it('detects a deleted newest event even when the instance row is rolled back to match', async () => {
      const id = await startPermit();
      await completeOpenTask(id);
      const events = await eventsOf(id);
      const newest = events[events.length - 1]!;
      const before = events[events.length - 2]!;
      const row = await instanceRow(id);
      const sealing = (await ledgerOf(id)).at(-1)!;
      expect(sealing.instanceSeq).toBe(Number(newest.seq));
      await tamper([
        ['DELETE FROM instance_event WHERE instance_id = ? AND seq = ?', [id, newest.seq]],
        [
          'UPDATE instance SET last_seq = ?, head_hash = ? WHERE id = ?',
          [before.seq, before.hash, id],
        ],
      ]);
      const expected = {
        valid: false,
        processInstanceId: id,
        firstBrokenSeq: Number(newest.seq),
        ledgerSeq: sealing.seq,
        reason: expect.stringContaining('deleted'),
      };
      expect((await verifyAll()).body).toMatchObject(expected);
      expect((await verifyOne(id)).body).toMatchObject({
        ...expected,
        checked: Number(before.seq),
      });
      await tamper([
        ...reinsert('instance_event', [newest]),
        [
          'UPDATE instance SET last_seq = ?, head_hash = ? WHERE id = ?',
          [row.last_seq, row.head_hash, id],
        ],
      ]);
      await expectValid();
    });

    it('detects a deleted whole instance (events and row)', async () => {
      const id = await startPermit();
      await completeOpenTask(id);
      const events = await eventsOf(id);
      const row = await instanceRow(id);
      const newestEntry = (await ledgerOf(id)).at(-1)!;
      await tamper([
        ['DELETE FROM instance_event WHERE instance_id = ?', [id]],
        ['DELETE FROM instance WHERE id = ?', [id]],
      ]);
      const expected = {
        valid: false,
        processInstanceId: id,
        ledgerSeq: newestEntry.seq,
        reason: expect.stringContaining('deleted'),
      };
      expect((await verifyAll()).body).toMatchObject(expected);
      // Not "unknown" (404): the ledger remembers it.
      const one = await verifyOne(id);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject(expected);
      await tamper([...reinsert('instance', [row]), ...reinsert('instance_event', events)]);
      await expectValid();
    });

    it('detects an edited ledger entry, naming the entry', async () => {
      const id = await startPermit();
      await completeOpenTask(id);
      const entry = (await ledgerOf(id))[0]!;
      const [original] = await sql('SELECT * FROM audit_ledger WHERE seq = ?', [entry.seq]);
      await tamper([['UPDATE audit_ledger SET at = ? WHERE seq = ?', [0, entry.seq]]]);
      const expected = {
        valid: false,
        processInstanceId: id,
        ledgerSeq: entry.seq,
        reason: expect.stringContaining('ledger'),
      };
      expect((await verifyAll()).body).toMatchObject(expected);
      expect((await verifyOne(id)).body).toMatchObject(expected);
      await tamper([['UPDATE audit_ledger SET at = ? WHERE seq = ?', [original!.at, entry.seq]]]);
      await expectValid();
    });

    it('detects a deleted newest ledger entry and a deleted middle one', async () => {
      const id = await startPermit();
      await completeOpenTask(id);
      const entries = await ledgerOf(id);
      const newest = entries.at(-1)!;
      const [row] = await sql('SELECT * FROM audit_ledger WHERE seq = ?', [newest.seq]);
      const [{ top }] = (await sql('SELECT MAX(seq) AS top FROM audit_ledger')) as [
        { top: unknown },
      ];
      expect(Number(top)).toBe(newest.seq);
      await tamper([['DELETE FROM audit_ledger WHERE seq = ?', [newest.seq]]]);
      const expected = {
        valid: false,
        processInstanceId: id,
        firstBrokenSeq: entries.at(-2)!.instanceSeq + 1,
        ledgerSeq: newest.seq,
      };
      expect((await verifyAll()).body).toMatchObject(expected);
      expect((await verifyOne(id)).body).toMatchObject(expected);
      await tamper(reinsert('audit_ledger', [row!]));
      await expectValid();

      const [middle] = await sql('SELECT * FROM audit_ledger WHERE seq = ?', [entries[0]!.seq]);
      await tamper([['DELETE FROM audit_ledger WHERE seq = ?', [entries[0]!.seq]]]);
      expect((await verifyAll()).body).toMatchObject({ valid: false, ledgerSeq: entries[0]!.seq });
      await tamper(reinsert('audit_ledger', [middle!]));
      await expectValid();
    });

    it('reports an instance that is not in the ledger (forged outside the service)', async () => {
      const id = 'forged-instance-0001';
      const fields = {
        instanceId: id,
        seq: 1,
        type: 'instance.started',
        elementId: null,
        elementKey: null,
        scopeKey: null,
        actor: 'admin',
        at: 1_700_000_000_000,
        payload: '{}',
      };
      const hash = eventHash(GENESIS_HASH, fields);
      const template = await instanceRow(
        (await sql('SELECT id FROM instance LIMIT 1'))[0]!.id as string,
      );
      await tamper([
        ...reinsert('instance', [
          { ...template, id, last_seq: 1, head_hash: hash, parent_id: null },
        ]),
        [
          `INSERT INTO instance_event (instance_id, seq, type, element_id, element_key, scope_key, actor, at, payload, hash, prev_hash)
           VALUES (?, 1, 'instance.started', NULL, NULL, NULL, 'admin', ?, '{}', ?, ?)`,
          [id, fields.at, hash, GENESIS_HASH],
        ],
      ]);
      // Its own chain is perfect: only the ledger shows it never went through the service.
      const r = await verifyAll();
      expect(r.body).toMatchObject({
        valid: false,
        processInstanceId: id,
        firstBrokenSeq: 1,
        reason: expect.stringContaining('not in the audit ledger'),
      });
      expect((await verifyOne(id)).body).toMatchObject({ valid: false, processInstanceId: id });
      await tamper([
        ['DELETE FROM instance_event WHERE instance_id = ?', [id]],
        ['DELETE FROM instance WHERE id = ?', [id]],
      ]);
      await expectValid();
    });

    it('lists several problems at once, the first at the top', async () => {
      const a = await startPermit();
      const b = await startPermit();
      const [ea] = await eventsOf(a);
      const [eb] = await eventsOf(b);
      await tamper([
        ['UPDATE instance_event SET actor = ? WHERE instance_id = ? AND seq = 1', ['mallory', a]],
        ['UPDATE instance_event SET actor = ? WHERE instance_id = ? AND seq = 1', ['mallory', b]],
      ]);
      const r = await verifyAll();
      expect(r.body).toMatchObject({
        valid: false,
        processInstanceId: [a, b].sort()[0],
        firstBrokenSeq: 1,
        problems: 2,
      });
      await tamper([
        ['UPDATE instance_event SET actor = ? WHERE instance_id = ? AND seq = 1', [ea!.actor, a]],
        ['UPDATE instance_event SET actor = ? WHERE instance_id = ? AND seq = 1', [eb!.actor, b]],
      ]);
      await expectValid();
    });

    it('finds the same with pages of two rows as in one page (large databases are paged)', async () => {
      const small = (m = runtime.dataSource.manager) =>
        verifyDatabase(m, { pageSize: 2, maxProblems: 50 });
      const whole = (m = runtime.dataSource.manager) =>
        verifyDatabase(m, { pageSize: 100_000, maxProblems: 50 });
      const clean = await small();
      expect(clean.valid).toBe(true);
      expect(clean).toEqual(await whole());
      expect(clean.instances).toBeGreaterThan(4);

      const id = await startPermit();
      await completeOpenTask(id);
      const events = await eventsOf(id);
      const [middle] = await sql('SELECT * FROM audit_ledger WHERE seq = ?', [3]);
      await tamper([
        ['UPDATE instance_event SET actor = ? WHERE instance_id = ? AND seq = ?', ['x', id, 4]],
        ['DELETE FROM audit_ledger WHERE seq = ?', [3]],
      ]);
      const paged = await small();
      expect(paged).toEqual(await whole());
      expect(paged.problems).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ code: 'ledger-entry-missing', ledgerSeq: 3 }),
          expect.objectContaining({ processInstanceId: id, firstBrokenSeq: 4 }),
        ]),
      );
      await tamper([
        [
          'UPDATE instance_event SET actor = ? WHERE instance_id = ? AND seq = ?',
          [events[3]!.actor, id, 4],
        ],
        ...reinsert('audit_ledger', [middle!]),
      ]);
      await expectValid();
    });

    it('keeps one chain when two replicas commit at once (PostgreSQL)', async () => {
      if (!pg()) return; // sqlite has one writer process: nothing to race
      const replica = await createApp(testConfig(db));
      const replicaBase = await replica.listen(0);
      const other = client(() => replicaBase);
      try {
        const starts = await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            (i % 2 ? other : call)('POST', '/api/process-instances', admin, {
              processKey: 'ledger_permit',
            }),
          ),
        );
        expect(starts.map((s) => s.status)).toEqual(starts.map(() => 201));
        const ids = starts.map((s) => s.body.id as string);
        const tasks = await Promise.all(
          ids.map((id) => call('GET', `/api/tasks?processInstanceId=${id}`, admin)),
        );
        const done = await Promise.all(
          tasks.map((t, i) =>
            (i % 2 ? call : other)('POST', `/api/tasks/${t.body[0].id}/complete`, admin, {
              variables: {},
            }),
          ),
        );
        expect(done.map((d) => d.status)).toEqual(done.map(() => 200));
        await expectValid();
        const all = await sql('SELECT seq FROM audit_ledger ORDER BY seq');
        expect(all.map((r) => Number(r.seq))).toEqual(all.map((_, i) => i + 1));
      } finally {
        await replica.close();
      }
    });

    it('seals the instances of a database that predates the ledger when it migrates', async () => {
      const id = await startPermit();
      const [{ instances }] = (await sql('SELECT COUNT(*) AS instances FROM instance')) as [
        { instances: unknown },
      ];
      // As before the ledger existed: no table, its migration not run.
      await sql('DROP TABLE audit_ledger');
      await sql('DELETE FROM migrations WHERE name = ?', ['AuditLedger1763950000000']);
      await runtime.close();
      runtime = await createApp(testConfig(db));
      base = await runtime.listen(0);
      admin = await loginAdmin(call);
      const r = await verifyAll();
      expect(r.body).toMatchObject({ valid: true, instances: Number(instances) });
      expect(r.body.ledgerEntries).toBe(Number(instances));
      const row = await instanceRow(id);
      expect(await ledgerOf(id)).toEqual([
        { seq: expect.any(Number), instanceSeq: Number(row.last_seq), headHash: row.head_hash },
      ]);
      // New commands chain onto the seeded entries.
      await completeOpenTask(id);
      await expectValid();
      expect(await ledgerOf(id)).toHaveLength(2);
    });
  });
}
