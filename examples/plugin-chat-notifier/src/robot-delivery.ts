import type { ChatFlavour } from './chat-config.js';
import { fetchFailure, quoted } from './http-failure.js';

const ROBOT_NAME: Record<ChatFlavour, string> = { dingtalk: 'DingTalk', wecom: 'WeCom' };

/** A robot's answer: both answer HTTP 200 with `errcode` 0, or an errcode saying why not. */
interface RobotAnswer {
  errcode?: unknown;
  errmsg?: unknown;
}

export interface RobotPost {
  flavour: ChatFlavour;
  /** The URL to post to (for DingTalk with `timestamp` and `sign`): a secret, never quoted. */
  url: string;
  body: unknown;
  /** The runtime's signal for this call (aborted on its time limit or when the plugin stops). */
  signal: AbortSignal;
  timeoutMs: number;
}

/**
 * POSTs one message to a group robot and resolves only when the robot took it: HTTP 2xx and
 * `errcode: 0`. Anything else throws — a wrong signature (DingTalk 310000), a rate limit
 * (DingTalk 130101, WeCom 45009), a bad key (WeCom 93000), a 5xx, a timeout — and the runtime
 * retries the send with back-off. Errors name the robot by origin only.
 */
export async function postToRobot(post: RobotPost): Promise<void> {
  const robot = `${ROBOT_NAME[post.flavour]} robot at ${new URL(post.url).origin}`;
  const limit = AbortSignal.timeout(post.timeoutMs);
  let res: Response;
  let text: string;
  try {
    // Redirects are not followed: the token is for the robot's own host.
    res = await fetch(post.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: JSON.stringify(post.body),
      redirect: 'manual',
      signal: AbortSignal.any([post.signal, limit]),
    });
    text = await res.text();
  } catch (e) {
    throw new Error(`${robot} failed: ${fetchFailure(e, post.signal, limit, post.timeoutMs)}`);
  }
  if (res.status < 200 || res.status >= 300)
    throw new Error(`${robot} answered HTTP ${res.status}${text ? `: ${quoted(text)}` : ''}`);
  let answer: RobotAnswer;
  try {
    answer = JSON.parse(text) as RobotAnswer;
  } catch {
    throw new Error(`${robot} answered something that is not JSON: ${quoted(text)}`);
  }
  if (typeof answer !== 'object' || answer === null || answer.errcode === undefined)
    throw new Error(`${robot} answered without an errcode: ${quoted(text)}`);
  if (answer.errcode !== 0)
    throw new Error(
      `${robot} refused the message: errcode ${quoted(answer.errcode, 20)} (${quoted(answer.errmsg)})`,
    );
}
