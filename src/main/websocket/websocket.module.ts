import { Module } from '@nestjs/common';
import { ChatActionRouter } from './chat-action.router';
import { ChatGateway } from './chat.gateway';

/** The websocket router: `/ws/{lanlan_name}` (connection lifecycle; the chat engine plugs into the managers). */
@Module({ providers: [ChatGateway, ChatActionRouter] })
export class WebsocketModule {}
