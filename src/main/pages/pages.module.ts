import { Module } from '@nestjs/common';
import { PagesController } from './pages.controller';
import { PagesService } from './pages.service';

/** The pages (Handlebars views; the /{lanlan_name} catch-all). Imported last by MainAppModule. */
@Module({ controllers: [PagesController], providers: [PagesService] })
export class PagesModule {}
