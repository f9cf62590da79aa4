/**
 * `npm start` (until the runtime service exists): runs a hot-work permit through the engine and
 * prints its audit trail. Two permits: one completes, one is stopped by a gas alarm.
 */
import { readFileSync } from 'node:fs';
import { Engine } from '@safeflow/engine';

let now = Date.UTC(2026, 10, 23, 8, 0);
const engine = new Engine({ clock: () => now });
const xml = readFileSync(new URL('./hot-work-permit.bpmn', import.meta.url), 'utf8');
const { processes } = await engine.deploy([{ name: 'hot-work-permit.bpmn', content: xml }]);
console.log('deployed:', processes.map((p) => p.key).join(', '));

function work(instanceId: string, alarm: boolean): void {
  for (let step = 0; step < 20; step++) {
    now += 60_000;
    const [job] = engine.activatableJobs({ instanceId });
    if (job) {
      console.log(`  job ${job.type}: LEL 0.2 %, O2 20.9 %`);
      engine.completeJob(job.key, { lel: 0.2, o2: 20.9 });
      continue;
    }
    const [task] = engine.openTasks({ instanceId });
    if (!task) return;
    if (task.elementId === 'work' && alarm) {
      const r = engine.correlateMessage({ name: 'gas-alarm', correlationKey: 'HW-002' });
      console.log(`  gas alarm correlated to ${r.ok ? r.correlated : 0} permit(s)`);
      continue;
    }
    console.log(
      `  task "${task.name}" (${task.assignee ?? task.candidateGroups.join(',')}) completed`,
    );
    engine.completeTask(task.id, {});
  }
}

for (const [permitNo, alarm] of [
  ['HW-001', false],
  ['HW-002', true],
] as const) {
  const r = engine.start('demo_hot_work_permit', {
    variables: { permitNo, requester: 'zhang.wei' },
    businessKey: permitNo,
  });
  if (!r.ok) throw new Error(r.error.message);
  console.log(`permit ${permitNo} (instance ${r.instanceId})`);
  work(r.instanceId, alarm);
  const view = engine.getInstance(r.instanceId)!;
  const ends = engine
    .getEvents(r.instanceId)
    .filter((e) => e.type === 'element.completed')
    .map((e) => e.elementId);
  console.log(
    `  → ${view.state}, ended at '${ends[ends.length - 2]}', ${engine.getEvents(r.instanceId).length} events in its log`,
  );
}
