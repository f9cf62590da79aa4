import { Module } from '@nestjs/common';
import { TimersService } from './timers.service.js';

/** Durable timers: the scheduler over the `timer` table. */
@Module({ providers: [TimersService], exports: [TimersService] })
export class TimersModule {}
