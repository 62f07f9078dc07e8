import { Module } from '@nestjs/common';
import { ChatMemoryModule } from '../chat-memory/chat-memory.module';
import { MemoryProxyController } from './memory-proxy.controller';
import { MemoryProxyService } from './memory-proxy.service';
import { MemoryRouterController } from './memory-router.controller';
import { MemoryRouterService } from './memory-router.service';

/**
 * The memory router /api/memory (spec §3.6) and a pass-through of the memory server's JSON API.
 * Main never writes memory files: everything goes to the memory server. The explicit routes are
 * registered first; their static segments also win over the proxy's parameters in the router.
 */
@Module({ imports: [ChatMemoryModule], controllers: [MemoryRouterController, MemoryProxyController], providers: [MemoryRouterService, MemoryProxyService] })
export class MemoryRouterModule {}
