import { Module } from '@nestjs/common';

/** The VRM router /api/model/vrm. */
@Module({ controllers: [], providers: [] })
export class VrmModule {}
