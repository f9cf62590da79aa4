import { Controller, Get, Module } from '@nestjs/common';
import { Public } from '../auth/roles.js';

@Controller('api/health')
export class HealthController {
  @Public()
  @Get()
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }
}

@Module({ controllers: [HealthController] })
export class HealthModule {}
