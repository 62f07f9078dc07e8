import { Module } from '@nestjs/common';

/** The config router /api/config. */
@Module({ controllers: [], providers: [] })
export class ConfigApiModule {}
