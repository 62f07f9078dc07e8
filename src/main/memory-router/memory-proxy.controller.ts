import { Body, Controller, Delete, Get, Param, Patch, Put, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { WireException } from '../../shared/http/wire.exception';
import type { PeerRequest } from '../clients/peer-http.client';
import { MemoryProxyService } from './memory-proxy.service';

type Method = NonNullable<PeerRequest['method']>;
const FREE_FORM = { schema: { type: 'object', additionalProperties: true } } as const;

/**
 * The memory server's JSON API through main, for the memory browser (one origin): turns,
 * summaries, facts, recent entries, recall search and index progress. Static segments of
 * main's own routes (recent_files, review_config …) take precedence in the router; the proxy
 * also refuses them as character names. Bodies are forwarded as they are (the memory server
 * validates them), hence plain @Body() instead of a wire DTO.
 */
@ApiTags('memory')
@ApiParam({ name: 'name', description: 'Character name (lanlan_name)' })
@Controller('api/memory/:name')
export class MemoryProxyController {
  constructor(private readonly proxy: MemoryProxyService) {}

  private async forward(method: Method, segments: string[], req: FastifyRequest, reply: FastifyReply, body?: unknown): Promise<unknown> {
    const a = await this.proxy.forward(method, segments, req.url, body);
    if (a.status >= 400) throw new WireException(a.status, a.text ?? a.body);
    void reply.status(a.status);
    if (a.text !== undefined) {
      void reply.type('text/plain; charset=utf-8');
      return a.text;
    }
    return a.body;
  }

  @Get('recent')
  @ApiOperation({ summary: 'Proxy: recent memory entries' })
  recent(@Param('name') name: string, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.forward('GET', [name, 'recent'], req, reply);
  }

  @Put('recent')
  @ApiOperation({ summary: 'Proxy: replace the recent memory ({"entries": [{type, text}]})' })
  @ApiBody(FREE_FORM)
  replaceRecent(@Param('name') name: string, @Body() body: unknown, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.forward('PUT', [name, 'recent'], req, reply, body);
  }

  @Patch('recent/:index')
  @ApiOperation({ summary: 'Proxy: correct one recent entry ({"text"})' })
  @ApiBody(FREE_FORM)
  editRecent(@Param('name') name: string, @Param('index') index: string, @Body() body: unknown, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.forward('PATCH', [name, 'recent', index], req, reply, body);
  }

  @Delete('recent/:index')
  @ApiOperation({ summary: 'Proxy: delete one recent entry' })
  deleteRecent(@Param('name') name: string, @Param('index') index: string, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.forward('DELETE', [name, 'recent', index], req, reply);
  }

  @Get('search')
  @ApiOperation({ summary: 'Proxy: recall search (?q=&k=&from=&to=&session=)' })
  search(@Param('name') name: string, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.forward('GET', [name, 'search'], req, reply);
  }

  @Get('index')
  @ApiOperation({ summary: 'Proxy: vector index progress' })
  index(@Param('name') name: string, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.forward('GET', [name, 'index'], req, reply);
  }

  @Get(':kind')
  @ApiParam({ name: 'kind', enum: ['turns', 'summaries', 'facts'] })
  @ApiOperation({ summary: 'Proxy: turns, summaries or facts, paged (?limit=&offset=&order=&from=&to=&session=)' })
  list(@Param('name') name: string, @Param('kind') kind: string, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.forward('GET', [name, kind], req, reply);
  }

  @Get(':kind/:id')
  @ApiParam({ name: 'kind', enum: ['turns', 'summaries', 'facts'] })
  @ApiOperation({ summary: 'Proxy: one turn, summary or fact' })
  get(@Param('name') name: string, @Param('kind') kind: string, @Param('id') id: string, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.forward('GET', [name, kind, id], req, reply);
  }

  @Patch(':kind/:id')
  @ApiParam({ name: 'kind', enum: ['turns', 'summaries', 'facts'] })
  @ApiOperation({ summary: 'Proxy: correct a turn, summary or fact ({"text"})' })
  @ApiBody(FREE_FORM)
  edit(@Param('name') name: string, @Param('kind') kind: string, @Param('id') id: string, @Body() body: unknown, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.forward('PATCH', [name, kind, id], req, reply, body);
  }

  @Delete(':kind/:id')
  @ApiParam({ name: 'kind', enum: ['turns', 'summaries', 'facts'] })
  @ApiOperation({ summary: 'Proxy: forget a turn, summary or fact in every layer' })
  forget(@Param('name') name: string, @Param('kind') kind: string, @Param('id') id: string, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.forward('DELETE', [name, kind, id], req, reply);
  }
}
