import {
  BadRequestException,
  HttpException,
  Injectable,
  PayloadTooLargeException,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { AnyFilesInterceptor } from '@nestjs/platform-express';
import type { Observable } from 'rxjs';
import { BoundedMemoryStorage } from './bounded-memory-storage.js';
import {
  MAX_FIELD_BYTES,
  MAX_FIELDS,
  MAX_RESOURCE_BYTES,
  MAX_RESOURCES,
  mib,
} from './upload-limits.js';

/**
 * Reads a multipart deployment (field `name`, one or more files) into `req.body` / `req.files`; a
 * JSON request passes untouched. The storage enforces the limits with messages naming the file;
 * multer's own limits (one past ours) are the backstop, their generic errors reworded here.
 */
@Injectable()
export class DeploymentUploadInterceptor implements NestInterceptor {
  private readonly multer: NestInterceptor = new (AnyFilesInterceptor({
    storage: new BoundedMemoryStorage(),
    limits: {
      fileSize: MAX_RESOURCE_BYTES + 1,
      files: MAX_RESOURCES + 1,
      fields: MAX_FIELDS,
      fieldSize: MAX_FIELD_BYTES,
      parts: MAX_RESOURCES + MAX_FIELDS + 1,
    },
  }))();

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    try {
      return await this.multer.intercept(context, next);
    } catch (e) {
      throw reword(e);
    }
  }
}

function reword(e: unknown): unknown {
  if (!(e instanceof HttpException)) return e;
  const reply = e.getResponse();
  if (typeof reply === 'object' && reply !== null && 'code' in reply) return e; // ours already
  if (e instanceof PayloadTooLargeException)
    return new PayloadTooLargeException({
      statusCode: 413,
      code: 'UPLOAD_TOO_LARGE',
      message: `a resource is larger than ${mib(MAX_RESOURCE_BYTES)} (the limit per file)`,
    });
  const message = e.message;
  if (/too many files/i.test(message))
    return new PayloadTooLargeException({
      statusCode: 413,
      code: 'UPLOAD_TOO_LARGE',
      message: `a deployment holds at most ${MAX_RESOURCES} files`,
    });
  if (e instanceof BadRequestException)
    return new BadRequestException({
      statusCode: 400,
      code: 'INVALID_UPLOAD',
      message: `multipart upload refused: ${message} (send a text field 'name' and the resources as files)`,
    });
  return e;
}
