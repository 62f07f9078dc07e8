import { Module } from '@nestjs/common';

/** The websocket router /ws/{lanlan_name}. */
@Module({ controllers: [], providers: [] })
export class WebsocketModule {}
