import { Module } from '@nestjs/common';

/** The pages (Handlebars views; the /{lanlan_name} catch-all). */
@Module({ controllers: [], providers: [] })
export class PagesModule {}
