import { Module } from '@nestjs/common';

/** The workshop router /api/steam/workshop. */
@Module({ controllers: [], providers: [] })
export class WorkshopModule {}
