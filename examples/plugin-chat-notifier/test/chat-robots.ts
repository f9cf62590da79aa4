import { createHmac } from 'node:crypto';
import type { Answer, ReceivedRequest } from './local-server.js';

/**
 * What the robots check, as their documentation says, written here independently of the plugin's
 * code (the signature is recomputed from scratch, not with the plugin's function).
 */
export interface RobotRules {
  dingTalkToken: string;
  /** Set: the DingTalk robot is secured by signing and refuses unsigned or mis-signed posts. */
  dingTalkSecret?: string;
  weComKey: string;
  /** The robot's clock, to check DingTalk timestamps (± 1 hour). */
  now: () => number;
}

const ok = { json: { errcode: 0, errmsg: 'ok' } };
const refuse = (errcode: number, errmsg: string): Answer => ({ json: { errcode, errmsg } });

export function expectedDingTalkSign(secret: string, timestamp: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
}

const utf8Bytes = (s: unknown) => (typeof s === 'string' ? Buffer.byteLength(s, 'utf8') : -1);

function dingTalk(req: ReceivedRequest, rules: RobotRules): Answer {
  if (req.query.get('access_token') !== rules.dingTalkToken)
    return refuse(300001, 'token is not exist');
  if (rules.dingTalkSecret !== undefined) {
    const timestamp = req.query.get('timestamp') ?? '';
    if (!/^\d+$/.test(timestamp) || Math.abs(rules.now() - Number(timestamp)) > 3_600_000)
      return refuse(310000, 'invalid timestamp');
    if (req.query.get('sign') !== expectedDingTalkSign(rules.dingTalkSecret, timestamp))
      return refuse(310000, 'sign not match');
  }
  let body: any;
  try {
    body = JSON.parse(req.body);
  } catch {
    return refuse(40035, 'invalid json');
  }
  if (body.msgtype !== 'markdown') return refuse(40008, 'unsupported msgtype in this emulator');
  if (typeof body.markdown?.title !== 'string' || typeof body.markdown?.text !== 'string')
    return refuse(40035, 'missing markdown title or text');
  return ok;
}

function weCom(req: ReceivedRequest, rules: RobotRules): Answer {
  if (req.query.get('key') !== rules.weComKey) return refuse(93000, 'invalid webhook url');
  let body: any;
  try {
    body = JSON.parse(req.body);
  } catch {
    return refuse(40035, 'invalid json');
  }
  if (body.msgtype === 'markdown') {
    const size = utf8Bytes(body.markdown?.content);
    if (size < 0) return refuse(40035, 'missing markdown.content');
    if (size > 4096) return refuse(40058, 'markdown.content exceed max length 4096');
    return ok;
  }
  if (body.msgtype === 'text') {
    const size = utf8Bytes(body.text?.content);
    if (size < 0) return refuse(40035, 'missing text.content');
    if (size > 2048) return refuse(40058, 'text.content exceed max length 2048');
    return ok;
  }
  return refuse(40008, 'invalid message type');
}

/** A DingTalk robot on `/robot/send` and a WeCom robot on `/cgi-bin/webhook/send`. */
export function chatRobots(rules: RobotRules): (req: ReceivedRequest) => Answer {
  return (req) => {
    if (req.method !== 'POST') return { status: 405, text: 'method not allowed' };
    const path = req.url.split('?')[0];
    if (path === '/robot/send') return dingTalk(req, rules);
    if (path === '/cgi-bin/webhook/send') return weCom(req, rules);
    return { status: 404, text: 'not found' };
  };
}
