import { Module } from '@nestjs/common';

/** The Live2D router /api/live2d. */
@Module({ controllers: [], providers: [] })
export class Live2dModule {}
