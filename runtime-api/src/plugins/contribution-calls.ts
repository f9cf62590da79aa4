/**
 * The calls contributions make into a plugin's worker — job attempts, fact fetches,
 * notifications, rule operators — and what a failure looks like to their callers: a
 * PluginCallError with a kind, the plugin's secrets taken out of every message. Apart from the
 * lifecycle hooks, which have their own time limit and turn failures into a `down` plugin instead.
 */
import type { RuntimeConfig } from '../config.js';
import { messageOf, PluginTimeoutError } from './bounded-call.js';
import type { HostedPlugins } from './hosted-plugins.js';
import { PluginCallError } from './plugin-errors.js';
import { callTimeoutMs, RULE_OPERATOR_TIMEOUT_MS } from './plugin-timeouts.js';
import type { PluginCalls, PluginMethod } from './plugin-worker-protocol.js';

export class ContributionCalls {
  constructor(
    private readonly config: RuntimeConfig,
    private readonly plugins: HostedPlugins,
  ) {}

  /**
   * Calls into a running plugin's worker; the plugin's context there has a signal that aborts at
   * `pluginTimeoutMs` or when the plugin stops. Throws PluginCallError: `unavailable` when the
   * plugin is not running, `timeout`, or `failed` with the plugin's message (its secrets taken
   * out) — also when its worker was lost during the call.
   */
  async call<M extends PluginMethod>(
    plugin: string,
    what: string,
    method: M,
    args: PluginCalls[M]['args'],
  ): Promise<PluginCalls[M]['result']> {
    const p = this.plugins.find(plugin);
    const run = p?.run;
    const worker = p?.worker;
    if (!p || !run || p.lifecycle !== 'running' || !worker) {
      const state = p?.lifecycle ?? 'missing';
      const why = p?.lastError ? `: ${p.lastError}` : '';
      throw new PluginCallError(
        `plugin '${plugin}' is not running (${state}${why})`,
        'unavailable',
      );
    }
    // This run's secrets: a reconfiguration during the call must not unmask the old ones.
    const redactor = p.redactor;
    try {
      return await worker.call(
        method,
        args,
        `${what} of plugin '${plugin}'`,
        callTimeoutMs(this.config),
        run.controller.signal,
      );
    } catch (e) {
      const timedOut = e instanceof PluginTimeoutError;
      throw new PluginCallError(redactor.text(messageOf(e)), timedOut ? 'timeout' : 'failed');
    }
  }

  /**
   * A rule operator of a plugin whose worker is up, evaluated there synchronously (the runtime's
   * thread waits at most RULE_OPERATOR_TIMEOUT_MS). Throws when it fails, is slow or has no worker.
   */
  evaluateOperator(
    plugin: string,
    name: string,
    factValue: unknown,
    compareValue: unknown,
  ): boolean {
    const p = this.plugins.find(plugin);
    const worker = p?.worker;
    if (!p || !worker?.alive)
      throw new Error(`plugin '${plugin}' is not running (${p?.lifecycle ?? 'missing'})`);
    try {
      return worker.evaluateOperator(name, factValue, compareValue, RULE_OPERATOR_TIMEOUT_MS);
    } catch (e) {
      throw new Error(p.redactor.text(messageOf(e)));
    }
  }

  /**
   * Takes the plugin's current secret values out of text it returned (outcome messages); take it
   * before the call, so a reconfiguration meanwhile does not swap in the new secrets' redactor.
   */
  redactorFor(plugin: string): (text: string) => string {
    const redactor = this.plugins.find(plugin)?.redactor;
    return (text) => redactor?.text(text) ?? text;
  }
}
