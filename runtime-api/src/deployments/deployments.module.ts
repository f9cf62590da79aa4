import { Module } from '@nestjs/common';
import { DeploymentsController } from './deployments.controller.js';
import { DeploymentsService } from './deployments.service.js';
import { ProcessDefinitionsController } from './process-definitions.controller.js';
import { DeploymentUploadInterceptor } from './upload-interceptor.js';

@Module({
  controllers: [DeploymentsController, ProcessDefinitionsController],
  providers: [DeploymentsService, DeploymentUploadInterceptor],
})
export class DeploymentsModule {}
