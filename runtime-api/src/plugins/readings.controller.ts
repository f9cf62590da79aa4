import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ReadingsService } from './readings.service.js';

export interface ReadingDto {
  source: string;
  tag: string;
  value: number | string | boolean;
  unit: string | null;
  quality: 'good' | 'uncertain' | 'bad';
  /** When the device measured it. */
  timestamp: string;
  /** When the runtime received it. */
  receivedAt: string;
}

/** The latest reading per tag from the running connectors (in memory; a later issue stores them). */
@Controller('api/readings')
export class ReadingsController {
  constructor(@Inject(ReadingsService) private readonly readings: ReadingsService) {}

  /** `?tag=a&tag=b` or `?tag=a,b`: those tags' latest readings (tags never read are left out); none: all. */
  @Get()
  list(@Query('tag') tag?: string | string[]): ReadingDto[] {
    const tags = (Array.isArray(tag) ? tag : tag === undefined ? [] : [tag])
      .flatMap((t) => t.split(','))
      .map((t) => t.trim())
      .filter((t) => t !== '');
    return this.readings.list(tags).map((r) => ({
      source: r.source,
      tag: r.tag,
      value: r.value,
      unit: r.unit ?? null,
      quality: r.quality,
      timestamp: new Date(r.timestamp).toISOString(),
      receivedAt: new Date(r.receivedAt).toISOString(),
    }));
  }
}
