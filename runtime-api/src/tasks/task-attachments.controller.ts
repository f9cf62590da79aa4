import {
  Controller,
  Get,
  Inject,
  Param,
  Post,
  Req,
  Res,
  StreamableFile,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { OPERATORS, Roles, type AuthedRequest } from '../auth/roles.js';
import { contentDisposition } from './attachment-filename.js';
import { viewerOf } from './task-access.js';
import { TaskAttachmentsService, type UploadedFileLike } from './task-attachments.service.js';
import type { TaskAttachmentDto } from './task-dto.js';

/** The response's header setter (express). */
interface HeaderSink {
  setHeader(name: string, value: string): unknown;
}

/** Upload and list a task's attachments (multipart field `file`; the size limit is the module's). */
@Controller('api/tasks')
export class TaskAttachmentsController {
  constructor(
    @Inject(TaskAttachmentsService) private readonly attachments: TaskAttachmentsService,
  ) {}

  @Roles(...OPERATORS)
  @Post(':id/attachments')
  @UseInterceptors(FileInterceptor('file'))
  add(
    @Param('id') id: string,
    @UploadedFile() file: UploadedFileLike | undefined,
    @Req() req: AuthedRequest,
  ): Promise<TaskAttachmentDto> {
    return this.attachments.add(id, file, viewerOf(req));
  }

  @Get(':id/attachments')
  list(@Param('id') id: string, @Req() req: AuthedRequest): Promise<TaskAttachmentDto[]> {
    return this.attachments.list(id, viewerOf(req));
  }
}

/** Downloads an attachment with its detected type and a sanitised file name. */
@Controller('api/attachments')
export class AttachmentDownloadController {
  constructor(
    @Inject(TaskAttachmentsService) private readonly attachments: TaskAttachmentsService,
  ) {}

  @Get(':id')
  async download(
    @Param('id') id: string,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: HeaderSink,
  ): Promise<StreamableFile> {
    const { row, content } = await this.attachments.open(id, viewerOf(req));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('X-Content-SHA256', row.sha256);
    return new StreamableFile(content, {
      type: row.contentType,
      length: row.sizeBytes,
      disposition: contentDisposition(row.filename),
    });
  }
}
