/**
 * What happens when a plugin's worker ends without being asked (an uncaught exception in plugin
 * code, out of memory, stuck in synchronous code and terminated): the plugin is `down` with the
 * reason and, if it was in use, a fresh worker is started after a back-off (250 ms doubling to a
 * minute; from the start again once a worker lived a minute). Apart from the lifecycle so the
 * back-off bookkeeping lives in one place and a crash loop cannot spin the runtime.
 */
import type { Logger } from 'pino';
import { messageOf } from './bounded-call.js';
import type { ConnectorsService } from './connectors.service.js';
import { markDown, type HostedPlugin } from './hosted-plugin.js';
import { RESTART_BACKOFF_RESET_MS, restartDelayMs } from './plugin-timeouts.js';

export class WorkerRestartPolicy {
  /** Set at runtime shutdown: nothing is restarted any more. */
  private closing = false;

  constructor(
    private readonly logger: Logger,
    private readonly connectors: ConnectorsService,
    /** Starts the plugin again (lifecycle start); called under the plugin's lock. */
    private readonly restart: (p: HostedPlugin) => Promise<void>,
  ) {}

  close(): void {
    this.closing = true;
  }

  /** The plugin's worker was lost: its calls have failed already. */
  lost(p: HostedPlugin, reason: string): void {
    p.worker = undefined;
    const why = p.redactor.text(reason);
    p.restarts++;
    p.lastExit = why;
    if (performance.now() - p.workerSince >= RESTART_BACKOFF_RESET_MS) p.failuresInRow = 0;
    const inUse = p.lifecycle === 'running' || p.lifecycle === 'starting';
    this.logger.error({ plugin: p.name, err: why, restarts: p.restarts }, 'plugin worker lost');
    const run = p.run;
    p.run = undefined;
    run?.controller.abort(new Error(`plugin '${p.name}' worker stopped`));
    void this.connectors.stopAll(p.name, undefined);
    if (p.lifecycle === 'running')
      markDown(p, `its worker stopped: ${why}; restarting`, this.logger);
    if (inUse) this.schedule(p);
  }

  /** Starts the plugin again after its back-off, unless meanwhile something else did. */
  schedule(p: HostedPlugin): void {
    if (this.closing) return;
    clearTimeout(p.restartTimer);
    const delay = restartDelayMs(p.failuresInRow++);
    p.restartTimer = setTimeout(() => {
      p.restartTimer = undefined;
      p.lock
        .run(async () => {
          // Meanwhile configured, enabled or disabled (which start or leave it as they need).
          if (this.closing || p.worker || p.lifecycle === 'disabled' || p.lifecycle === 'running')
            return;
          await this.restart(p);
        })
        .catch((e: unknown) =>
          this.logger.error({ plugin: p.name, err: messageOf(e) }, 'plugin restart failed'),
        );
    }, delay);
  }
}
