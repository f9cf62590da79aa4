import { Body, Controller, Get, Inject, Post } from '@nestjs/common';
import { BodyValidation } from '../common/validation.js';
import {
  DIRECTORY_NAME_MAX,
  GroupsAndSites,
  type DirectoryEntryDto,
} from './groups-and-sites.service.js';
import { Roles } from './roles.js';

const CREATE_BODY = new BodyValidation({
  name: { type: 'string', required: true, minLength: 1, maxLength: DIRECTORY_NAME_MAX },
  description: { type: 'string', maxLength: 512 },
});

interface CreateBody {
  name: string;
  description?: string;
}

/** Groups (work crews) and sites (plant units): admins create them, every signed-in user reads them. */
@Controller('api')
export class GroupsSitesController {
  constructor(@Inject(GroupsAndSites) private readonly directory: GroupsAndSites) {}

  @Roles('admin')
  @Post('groups')
  createGroup(@Body(CREATE_BODY) body: CreateBody): Promise<DirectoryEntryDto> {
    return this.directory.create('group', body.name, body.description);
  }

  @Get('groups')
  groups(): Promise<DirectoryEntryDto[]> {
    return this.directory.list('group');
  }

  @Roles('admin')
  @Post('sites')
  createSite(@Body(CREATE_BODY) body: CreateBody): Promise<DirectoryEntryDto> {
    return this.directory.create('site', body.name, body.description);
  }

  @Get('sites')
  sites(): Promise<DirectoryEntryDto[]> {
    return this.directory.list('site');
  }
}
