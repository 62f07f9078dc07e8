import { Global, Module } from '@nestjs/common';
import { WorkshopConfigService } from '../workshop/workshop-config.service';
import { AllowedRootsService } from './allowed-roots.service';

/** main's file boundaries: workshop_config.json and the allowed roots every file endpoint checks. */
@Global()
@Module({ providers: [WorkshopConfigService, AllowedRootsService], exports: [WorkshopConfigService, AllowedRootsService] })
export class FilesModule {}
