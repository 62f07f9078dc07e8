import { Module } from '@nestjs/common';

/** The characters router /api/characters. */
@Module({ controllers: [], providers: [] })
export class CharactersModule {}
