import { Global, Module } from '@nestjs/common';
import { SessionRegistry } from './session-registry.service';

/** The per-character session managers; routers and the chat gateway share them. */
@Global()
@Module({ providers: [SessionRegistry], exports: [SessionRegistry] })
export class SessionsModule {}
