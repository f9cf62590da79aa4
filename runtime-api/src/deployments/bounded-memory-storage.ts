import { PayloadTooLargeException } from '@nestjs/common';
import type { StorageEngine } from 'multer';
import { MAX_RESOURCE_BYTES, MAX_RESOURCES, MAX_UPLOAD_BYTES, mib } from './upload-limits.js';

type Request = Parameters<StorageEngine['_handleFile']>[0];
type File = Parameters<StorageEngine['_handleFile']>[1];
type Done = Parameters<StorageEngine['_handleFile']>[2];

function tooLarge(message: string): PayloadTooLargeException {
  return new PayloadTooLargeException({ statusCode: 413, code: 'UPLOAD_TOO_LARGE', message });
}

/**
 * multer's memory storage with the upload limits checked as bytes arrive, so the refusal names the
 * file and the limit it broke, and one request never holds more than MAX_UPLOAD_BYTES. An
 * HttpException handed to multer reaches the client as it is (after multer drained the request).
 */
export class BoundedMemoryStorage implements StorageEngine {
  private readonly perRequest = new WeakMap<object, { files: number; bytes: number }>();

  _handleFile(req: Request, file: File, done: Done): void {
    const seen = this.perRequest.get(req) ?? { files: 0, bytes: 0 };
    this.perRequest.set(req, seen);
    seen.files++;
    if (seen.files > MAX_RESOURCES) {
      file.stream.resume();
      done(tooLarge(`a deployment holds at most ${MAX_RESOURCES} files`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    file.stream.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      seen.bytes += chunk.length;
      let problem: string | undefined;
      if (size > MAX_RESOURCE_BYTES)
        problem = `resource '${file.originalname}' is larger than ${mib(MAX_RESOURCE_BYTES)} (the limit per file)`;
      else if (seen.bytes > MAX_UPLOAD_BYTES)
        problem = `the files of one deployment may hold at most ${mib(MAX_UPLOAD_BYTES)} together`;
      if (problem === undefined) {
        chunks.push(chunk);
        return;
      }
      refused = true;
      chunks.length = 0;
      file.stream.resume();
      done(tooLarge(problem));
    });
    file.stream.on('end', () => {
      if (!refused) {
        const buffer = Buffer.concat(chunks);
        done(null, { buffer, size: buffer.length });
      }
    });
  }

  _removeFile(_req: Request, file: File, done: (error: Error | null) => void): void {
    delete (file as { buffer?: Buffer }).buffer;
    done(null);
  }
}
