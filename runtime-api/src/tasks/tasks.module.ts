import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import type { RuntimeConfig } from '../config.js';
import { CONFIG } from '../tokens.js';
import { AttachmentStore } from './attachment-store.js';
import {
  AttachmentDownloadController,
  TaskAttachmentsController,
} from './task-attachments.controller.js';
import { TaskAttachmentsService } from './task-attachments.service.js';
import { TaskCommentsController } from './task-comments.controller.js';
import { TaskCommentsService } from './task-comments.service.js';
import { TaskForms } from './task-forms.js';
import { TasksController } from './tasks.controller.js';
import { TasksService } from './tasks.service.js';

export const DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;

@Module({
  imports: [
    // No storage given: multer holds uploads in memory, up to the limit (checked by content before anything is written);
    // past it multer stops reading and the request is refused with 413.
    MulterModule.registerAsync({
      inject: [CONFIG],
      useFactory: (config: RuntimeConfig) => ({
        defParamCharset: 'utf8',
        limits: {
          fileSize: config.attachmentMaxBytes ?? DEFAULT_ATTACHMENT_MAX_BYTES,
          files: 1,
          fields: 10,
        },
      }),
    }),
  ],
  controllers: [
    TasksController,
    TaskCommentsController,
    TaskAttachmentsController,
    AttachmentDownloadController,
  ],
  providers: [
    TasksService,
    TaskForms,
    TaskCommentsService,
    TaskAttachmentsService,
    AttachmentStore,
  ],
  exports: [TasksService],
})
export class TasksModule {}
