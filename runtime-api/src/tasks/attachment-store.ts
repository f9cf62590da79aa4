import { createHash } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { RuntimeConfig } from '../config.js';
import { CONFIG } from '../tokens.js';

/** Ids the service made (UUIDs): nothing else may become a path segment. */
const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

function segment(value: string, what: string): string {
  if (!SAFE_SEGMENT.test(value))
    throw new Error(`unsafe ${what} for an attachment path: '${value}'`);
  return value;
}

/**
 * Attachment content on disk, at `<dataDir>/attachments/<instanceId>/<attachmentId>`. Both parts
 * are ids the service generated (checked again here), never a client's file name, so no upload can
 * name a path outside that folder.
 */
@Injectable()
export class AttachmentStore {
  private readonly root: string;

  constructor(@Inject(CONFIG) config: RuntimeConfig) {
    this.root = join(config.dataDir, 'attachments');
  }

  pathOf(instanceId: string, attachmentId: string): string {
    return join(this.root, segment(instanceId, 'instance id'), segment(attachmentId, 'id'));
  }

  /** Writes the content (complete or not at all: a temporary file renamed); returns its SHA-256. */
  async save(instanceId: string, attachmentId: string, content: Buffer): Promise<string> {
    const path = this.pathOf(instanceId, attachmentId);
    await mkdir(join(this.root, instanceId), { recursive: true });
    const partial = `${path}.partial`;
    await writeFile(partial, content, { flag: 'wx', mode: 0o640 });
    await rename(partial, path);
    return createHash('sha256').update(content).digest('hex');
  }

  async remove(instanceId: string, attachmentId: string): Promise<void> {
    await unlink(this.pathOf(instanceId, attachmentId)).catch(() => undefined);
  }

  /** A stream of the content, or undefined when the file is gone. */
  async open(instanceId: string, attachmentId: string): Promise<ReadStream | undefined> {
    const path = this.pathOf(instanceId, attachmentId);
    const found = await stat(path).catch(() => undefined);
    return found?.isFile() ? createReadStream(path) : undefined;
  }
}
