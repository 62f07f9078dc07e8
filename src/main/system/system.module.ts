import { Module } from '@nestjs/common';

/** The system router /api/.... */
@Module({ controllers: [], providers: [] })
export class SystemModule {}
