import { randomUUID } from 'node:crypto';
import type { ReadStream } from 'node:fs';
import {
  BadRequestException,
  Inject,
  Injectable,
  NotFoundException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Clock } from '../common/clock.js';
import { TaskAttachmentEntity, type TaskAttachmentRow } from '../persistence/task-entities.js';
import { CLOCK, DATA_SOURCE, LOGGER } from '../tokens.js';
import { safeFilename } from './attachment-filename.js';
import { AttachmentStore } from './attachment-store.js';
import { ACCEPTED_TYPES, sniffFileType } from './file-type.js';
import { insertWithNextSeq } from './next-seq.js';
import type { TaskViewer } from './task-access.js';
import { toAttachmentDto, type TaskAttachmentDto } from './task-dto.js';
import { TasksService } from './tasks.service.js';

/** What multer hands over for one uploaded file (memory storage). */
export interface UploadedFileLike {
  originalname?: string;
  size: number;
  buffer: Buffer;
}

/**
 * Files attached to user tasks (photos of hazards, signed PDFs). Accepted by content type (magic
 * bytes), stored under the data folder with their SHA-256, readable with the task's history.
 */
@Injectable()
export class TaskAttachmentsService {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(TasksService) private readonly tasks: TasksService,
    @Inject(AttachmentStore) private readonly store: AttachmentStore,
  ) {}

  async add(
    taskId: string,
    file: UploadedFileLike | undefined,
    viewer: TaskViewer,
  ): Promise<TaskAttachmentDto> {
    if (!file?.buffer)
      throw new BadRequestException({
        statusCode: 400,
        message: "a multipart/form-data field 'file' is required",
        errors: [{ field: 'file', code: 'invalid-body', message: 'file is required' }],
      });
    const task = await this.tasks.workable(taskId, viewer);
    if (file.size === 0)
      throw new BadRequestException({
        statusCode: 400,
        message: 'file is empty',
        errors: [{ field: 'file', code: 'invalid-body', message: 'file is empty' }],
      });
    const type = sniffFileType(file.buffer);
    if (!type)
      throw new UnsupportedMediaTypeException({
        statusCode: 415,
        message: `only ${ACCEPTED_TYPES} files are accepted (recognised by their content, not their name or declared type)`,
      });
    const id = randomUUID();
    const sha256 = await this.store.save(task.instanceId, id, file.buffer);
    try {
      const row = await insertWithNextSeq<TaskAttachmentRow>(
        this.ds.getRepository(TaskAttachmentEntity),
        {
          id,
          taskId,
          instanceId: task.instanceId,
          filename: safeFilename(file.originalname, type.extension),
          contentType: type.contentType,
          sizeBytes: file.buffer.length,
          sha256,
          uploadedBy: viewer.username,
          createdAt: this.clock.now(),
        },
      );
      this.logger.info(
        { taskId, attachmentId: id, bytes: row.sizeBytes, actor: viewer.username },
        'task attachment stored',
      );
      return toAttachmentDto(row);
    } catch (e) {
      await this.store.remove(task.instanceId, id);
      throw e;
    }
  }

  async list(taskId: string, viewer: TaskViewer): Promise<TaskAttachmentDto[]> {
    await this.tasks.visible(taskId, viewer);
    const rows = await this.ds
      .getRepository(TaskAttachmentEntity)
      .find({ where: { taskId }, order: { seq: 'ASC' } });
    return rows.map(toAttachmentDto);
  }

  /** The attachment and its content, if `viewer` may see its task. */
  async open(
    attachmentId: string,
    viewer: TaskViewer,
  ): Promise<{ row: TaskAttachmentRow; content: ReadStream }> {
    const row = await this.ds.getRepository(TaskAttachmentEntity).findOneBy({ id: attachmentId });
    if (!row)
      throw new NotFoundException({
        statusCode: 404,
        code: 'ATTACHMENT_NOT_FOUND',
        message: `no attachment '${attachmentId}'`,
      });
    await this.tasks.visible(row.taskId, viewer);
    const content = await this.store.open(row.instanceId, row.id);
    if (!content) {
      this.logger.error({ attachmentId }, 'attachment content missing from the data folder');
      throw new NotFoundException({
        statusCode: 404,
        code: 'ATTACHMENT_CONTENT_MISSING',
        message: `the content of attachment '${attachmentId}' is missing from storage`,
      });
    }
    return { row, content };
  }
}
