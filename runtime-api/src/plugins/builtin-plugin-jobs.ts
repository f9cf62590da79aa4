import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { JsonValue, Notification } from '@safeflow/plugin-sdk';
import { JobFailure, JobHandlerRegistry, type JobContext } from '../jobs/job-handlers.js';
import { FactsService } from './facts.service.js';
import { NOTIFICATION_KINDS, NOTIFICATION_SEVERITIES } from './notification-kinds.js';
import { NotifierService } from './notifier.service.js';
import { PluginCallError } from './plugin-errors.js';
import { isObject } from './is-object.js';

/** Sends a notification through a plugin's notifier (see the README, "Plugins (host)"). */
export const NOTIFY_JOB_TYPE = 'safeflow:notify';
/** Fetches a fact from a plugin's fact provider into a process variable. */
export const FACT_JOB_TYPE = 'safeflow:fact';

const SEVERITIES: readonly string[] = NOTIFICATION_SEVERITIES;
const KINDS: readonly string[] = NOTIFICATION_KINDS;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A modelling mistake no retry will fix: an incident at once, with the reason. */
const modelError = (message: string) => new JobFailure(message, 0);

/**
 * Turns a refused plugin call into the right failure: a missing or misused contribution is the
 * model's mistake (incident now); a plugin that is down, failed or too slow may recover (retries).
 */
function failureOf(e: unknown): Error {
  if (e instanceof PluginCallError && (e.kind === 'unknown' || e.kind === 'invalid'))
    return modelError(e.message);
  return e instanceof Error ? e : new Error(String(e));
}

/** A header or (when the input mappings set it) a string variable of the same name. */
function textOf(ctx: JobContext, name: string): string | undefined {
  const v = ctx.job.variables[name];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return ctx.job.headers[name];
}

/**
 * The two built-in task types that let a deployed flow use plugins without code:
 * `safeflow:notify` and `safeflow:fact`.
 */
@Injectable()
export class BuiltinPluginJobs implements OnModuleInit {
  constructor(
    @Inject(JobHandlerRegistry) private readonly handlers: JobHandlerRegistry,
    @Inject(NotifierService) private readonly notifiers: NotifierService,
    @Inject(FactsService) private readonly facts: FactsService,
  ) {}

  onModuleInit(): void {
    this.handlers.register(NOTIFY_JOB_TYPE, (ctx) => this.notify(ctx));
    this.handlers.register(FACT_JOB_TYPE, (ctx) => this.fact(ctx));
  }

  private async notify(ctx: JobContext): Promise<Record<string, unknown>> {
    const { headers, variables } = ctx.job;
    const notifier = headers.notifier;
    if (!notifier) throw modelError(`${NOTIFY_JOB_TYPE}: the task header 'notifier' is required`);
    const title = textOf(ctx, 'title');
    if (!title) throw modelError(`${NOTIFY_JOB_TYPE}: a title (header or variable) is required`);
    const severity = textOf(ctx, 'severity') ?? 'info';
    if (!SEVERITIES.includes(severity))
      throw modelError(`${NOTIFY_JOB_TYPE}: severity must be one of ${SEVERITIES.join(', ')}`);
    const kind = headers.kind ?? 'custom';
    if (!KINDS.includes(kind))
      throw modelError(`${NOTIFY_JOB_TYPE}: kind must be one of ${KINDS.join(', ')}`);
    const recipients = Array.isArray(variables.recipients)
      ? variables.recipients.filter((r): r is string => typeof r === 'string')
      : headers.recipients
          ?.split(',')
          .map((r) => r.trim())
          .filter((r) => r !== '');
    const link = textOf(ctx, 'link');
    const notification: Notification = {
      kind: kind as Notification['kind'],
      severity: severity as Notification['severity'],
      title,
      text: textOf(ctx, 'text') ?? '',
      // Stable across retries: a receiver can drop the duplicate of a retried send.
      id: ctx.idempotencyKey,
      data: { processInstanceId: ctx.job.instanceId, elementId: ctx.job.elementId },
      ...(recipients && recipients.length > 0 ? { recipients } : {}),
      ...(link ? { link } : {}),
    };
    try {
      const receipt = await this.notifiers.send(notifier, notification);
      return receipt.externalId ? { notificationReceipt: receipt.externalId } : {};
    } catch (e) {
      throw failureOf(e);
    }
  }

  private async fact(ctx: JobContext): Promise<Record<string, unknown>> {
    const { headers, variables } = ctx.job;
    const provider = headers.provider;
    if (!provider) throw modelError(`${FACT_JOB_TYPE}: the task header 'provider' is required`);
    const resultVariable = headers.resultVariable ?? 'fact';
    if (!VARIABLE_NAME.test(resultVariable))
      throw modelError(
        `${FACT_JOB_TYPE}: resultVariable '${resultVariable}' is not a variable name`,
      );
    let params: Record<string, JsonValue>;
    if (isObject(variables.params)) params = variables.params as Record<string, JsonValue>;
    else {
      const { provider: _p, resultVariable: _r, ...rest } = headers;
      params = rest;
    }
    try {
      return { [resultVariable]: await this.facts.fetch(provider, params) };
    } catch (e) {
      throw failureOf(e);
    }
  }
}
