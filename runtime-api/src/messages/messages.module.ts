import { Body, Controller, HttpCode, Inject, Module, Post, Req } from '@nestjs/common';
import { actorOf, OPERATORS, Roles, type AuthedRequest } from '../auth/roles.js';
import { BodyValidation } from '../common/validation.js';
import { MessagesService } from './messages.service.js';

const MESSAGE_BODY = new BodyValidation({
  name: { type: 'string', required: true, minLength: 1, maxLength: 256 },
  correlationKey: { type: 'string', maxLength: 512 },
  variables: { type: 'object' },
});
const SIGNAL_BODY = new BodyValidation({
  name: { type: 'string', required: true, minLength: 1, maxLength: 256 },
  variables: { type: 'object' },
});

@Controller('api')
export class MessagesController {
  constructor(@Inject(MessagesService) private readonly messages: MessagesService) {}

  @Roles(...OPERATORS)
  @Post('messages')
  @HttpCode(200)
  correlate(
    @Body(MESSAGE_BODY)
    body: { name: string; correlationKey?: string; variables?: Record<string, unknown> },
    @Req() req: AuthedRequest,
  ): Promise<{ correlated: number }> {
    return this.messages.correlate(body, actorOf(req));
  }

  @Roles(...OPERATORS)
  @Post('signals')
  @HttpCode(200)
  broadcast(
    @Body(SIGNAL_BODY) body: { name: string; variables?: Record<string, unknown> },
    @Req() req: AuthedRequest,
  ): Promise<{ delivered: number }> {
    return this.messages.broadcast(body, actorOf(req));
  }
}

/** Messages (`POST /api/messages`) and signals (`POST /api/signals`). */
@Module({ controllers: [MessagesController], providers: [MessagesService] })
export class MessagesModule {}
