import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { In, type DataSource } from 'typeorm';
import type { Clock } from '../common/clock.js';
import type { RuntimeConfig } from '../config.js';
import { dialectOf } from '../persistence/data-source.js';
import { LoginFailureEntity } from '../persistence/identity-entities.js';
import { CLOCK, CONFIG, DATA_SOURCE, LOGGER } from '../tokens.js';
import { IdentityWrites } from './identity-writes.js';

export const LOGIN_DEFAULTS = {
  maxFailuresPerUser: 5,
  maxFailuresPerIp: 20,
  windowSeconds: 15 * 60,
} as const;

/** 429 for a sign-in refused by the throttle; the controller turns `retryAfterSeconds` into Retry-After. */
export class LoginThrottledException extends HttpException {
  constructor(
    readonly retryAfterSeconds: number,
    what: string,
  ) {
    super(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        message: `too many failed sign-ins ${what}; try again in ${retryAfterSeconds} s`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

interface Subject {
  key: string;
  limit: number;
  what: string;
}

/**
 * Counts failed sign-ins per username and per client address in `login_failure`, so replicas
 * share the counts. A window opens at a subject's first failure; once `limit` failures are in it,
 * sign-ins of that subject are refused — even with the right password — until it closes. A
 * successful sign-in clears the username's count (not the address's: one address may be guessing
 * many names).
 */
@Injectable()
export class LoginThrottle {
  private readonly windowMs: number;
  private readonly perUser: number;
  private readonly perIp: number;

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(IdentityWrites) private readonly writes: IdentityWrites,
    @Inject(CONFIG) config: RuntimeConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.windowMs = (config.loginFailureWindowSeconds ?? LOGIN_DEFAULTS.windowSeconds) * 1000;
    this.perUser = config.loginMaxFailuresPerUser ?? LOGIN_DEFAULTS.maxFailuresPerUser;
    this.perIp = config.loginMaxFailuresPerIp ?? LOGIN_DEFAULTS.maxFailuresPerIp;
  }

  private subjects(username: string, ip: string | undefined): Subject[] {
    if (this.windowMs <= 0) return [];
    const out: Subject[] = [];
    if (this.perUser > 0)
      out.push({ key: `user:${username}`, limit: this.perUser, what: 'for this username' });
    if (this.perIp > 0 && ip)
      out.push({ key: `ip:${ip}`, limit: this.perIp, what: 'from this address' });
    return out;
  }

  /** Throws 429 when the username or the address has used up its failures in the current window. */
  async assertAllowed(username: string, ip: string | undefined): Promise<void> {
    const subjects = this.subjects(username, ip);
    if (subjects.length === 0) return;
    const now = this.clock.now();
    const rows = await this.ds
      .getRepository(LoginFailureEntity)
      .findBy({ subject: In(subjects.map((s) => s.key)) });
    let refusal: LoginThrottledException | undefined;
    for (const s of subjects) {
      const row = rows.find((r) => r.subject === s.key);
      const closesAt = row ? row.windowStart + this.windowMs : 0;
      if (!row || closesAt <= now || row.failures < s.limit) continue;
      const retryAfter = Math.max(1, Math.ceil((closesAt - now) / 1000));
      if (!refusal || retryAfter > refusal.retryAfterSeconds)
        refusal = new LoginThrottledException(retryAfter, s.what);
    }
    if (refusal) {
      this.logger.warn(
        { username, ip, retryAfterSeconds: refusal.retryAfterSeconds },
        'sign-in refused: too many failures',
      );
      throw refusal;
    }
  }

  /** Counts a failure for the username and the address (a fresh window if the last one closed). */
  async recordFailure(username: string, ip: string | undefined): Promise<void> {
    const subjects = this.subjects(username, ip);
    if (subjects.length === 0) return;
    const now = this.clock.now();
    const closedBefore = now - this.windowMs;
    const postgres = dialectOf(this.ds) === 'postgres';
    await this.writes.run(async (m) => {
      for (const s of subjects) {
        // One statement, so concurrent failures on several replicas all count.
        await m.query(
          ...positional(
            postgres,
            `INSERT INTO login_failure (subject, window_start, failures) VALUES ($1, $2, 1)
             ON CONFLICT (subject) DO UPDATE SET
               failures = CASE WHEN login_failure.window_start <= $3
                 THEN 1 ELSE login_failure.failures + 1 END,
               window_start = CASE WHEN login_failure.window_start <= $3
                 THEN $2 ELSE login_failure.window_start END`,
            [s.key, now, closedBefore],
          ),
        );
      }
      // Closed windows are only history: keep the table small.
      await m.query(
        ...positional(postgres, `DELETE FROM login_failure WHERE window_start <= $1`, [
          closedBefore,
        ]),
      );
    });
  }

  /** A successful sign-in: the username starts again from zero. */
  async reset(username: string): Promise<void> {
    if (this.perUser <= 0 || this.windowMs <= 0) return;
    const subject = `user:${username}`;
    // Most sign-ins follow no failure: look before queueing a write.
    if (!(await this.ds.getRepository(LoginFailureEntity).existsBy({ subject }))) return;
    await this.writes.run((m) => m.getRepository(LoginFailureEntity).delete({ subject }));
  }
}

/** `$n` placeholders for PostgreSQL; `?` in order of appearance (values repeated) for sqlite. */
function positional(postgres: boolean, sql: string, params: unknown[]): [string, unknown[]] {
  if (postgres) return [sql, params];
  const values: unknown[] = [];
  const text = sql.replace(/\$(\d+)/g, (_, n: string) => {
    values.push(params[Number(n) - 1]);
    return '?';
  });
  return [text, values];
}
