import { Module } from '@nestjs/common';

/** The memory router /api/memory (proxy of the memory server). */
@Module({ controllers: [], providers: [] })
export class MemoryRouterModule {}
