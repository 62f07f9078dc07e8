import { Module } from '@nestjs/common';
import { WorkshopController } from './workshop.controller';
import { WorkshopItemsService } from './workshop-items.service';
import { WorkshopPublishService } from './workshop-publish.service';

/** The workshop router /api/steam/workshop (WorkshopConfigService itself comes from FilesModule). */
@Module({ controllers: [WorkshopController], providers: [WorkshopItemsService, WorkshopPublishService] })
export class WorkshopModule {}
