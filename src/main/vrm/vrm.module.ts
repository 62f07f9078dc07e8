import { Module } from '@nestjs/common';
import { VrmController } from './vrm.controller';
import { VrmDeleteService } from './vrm-delete.service';
import { VrmEmotionService } from './vrm-emotion.service';
import { VrmFilesService } from './vrm-files.service';
import { VrmUploadService } from './vrm-upload.service';

/** The VRM router /api/model/vrm (upstream only, spec §3.4). */
@Module({
  controllers: [VrmController],
  providers: [VrmFilesService, VrmUploadService, VrmDeleteService, VrmEmotionService],
})
export class VrmModule {}
