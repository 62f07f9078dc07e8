import { Module } from '@nestjs/common';
import { Live2dController, Live2dUploadController } from './live2d.controller';
import { Live2dModelService } from './live2d-model.service';
import { Live2dParametersService } from './live2d-parameters.service';
import { Live2dUploadService } from './live2d-upload.service';
import { ModelLocatorService } from './model-locator.service';

/** The Live2D router /api/live2d; exports ModelLocatorService (find_models & co.) to the other routers. */
@Module({
  controllers: [Live2dController, Live2dUploadController],
  providers: [ModelLocatorService, Live2dModelService, Live2dParametersService, Live2dUploadService],
  exports: [ModelLocatorService],
})
export class Live2dModule {}
