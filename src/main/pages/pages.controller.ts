import { applyDecorators, Controller, Get, Header, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type {} from '@fastify/view'; // reply.viewAsync typings
import type { FastifyReply } from 'fastify';
import { FAVICON_SVG, MANAGEMENT_PAGES, COMPANION_PAGE, PAGE_LAYOUT, type PageDefinition } from './pages.const';
import { CompanionParamDto, PageNamePipe } from './pages.dto';
import { PagesService } from './pages.service';

/** Swagger: an HTML page (200 text/html). */
const HtmlPage = (summary: string): MethodDecorator =>
  applyDecorators(
    ApiOperation({ summary }),
    ApiProduces('text/html'),
    ApiOkResponse({ description: 'HTML page', content: { 'text/html': { schema: { type: 'string' } } } }),
  );

/** Swagger: the optional `?lanlan_name=` of a page. */
const PageName = (): MethodDecorator =>
  ApiQuery({ name: 'lanlan_name', required: false, type: String, description: 'Character the page works on (default: the current one)' });

const page = (path: string): PageDefinition => {
  const found = MANAGEMENT_PAGES.find((p) => p.paths.includes(path));
  if (!found) throw new Error(`unknown page ${path}`);
  return found;
};

/**
 * The HTML pages (spec §3.7, §11). Registered last (PagesModule is imported last) so that its
 * `/{lanlan_name}` catch-all never shadows another route; Fastify's router also prefers static
 * paths (`/docs`, `/health`, `/favicon.ico`) over the parametric one whatever the order.
 */
@ApiTags('pages')
@Controller()
export class PagesController {
  constructor(private readonly pages: PagesService) {}

  @Get()
  @HtmlPage('Companion page of the current character')
  async index(@Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.render(reply, COMPANION_PAGE);
  }

  /**
   * [QUIRK] fixed: in the original `/favicon.ico` fell into the catch-all and answered index.html
   * (a browser then shows no icon). We answer a real icon (SVG, which every current browser takes
   * at this URL) before the catch-all can see the path.
   */
  @Get('favicon.ico')
  @ApiOperation({ summary: 'Site icon (SVG)' })
  @ApiProduces('image/svg+xml')
  @ApiOkResponse({ description: 'SVG icon', content: { 'image/svg+xml': { schema: { type: 'string' } } } })
  @Header('content-type', 'image/svg+xml')
  @Header('cache-control', 'public, max-age=86400')
  favicon(): string {
    return FAVICON_SVG;
  }

  @Get('chara_manager')
  @HtmlPage('Character manager page')
  async charaManager(@Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.render(reply, page('chara_manager'));
  }

  @Get('l2d')
  @HtmlPage('Model manager page (Live2D and VRM)')
  @PageName()
  async l2d(@Query('lanlan_name', PageNamePipe) name: string | undefined, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.render(reply, page('l2d'), name);
  }

  @Get('model_manager')
  @HtmlPage('Model manager page (upstream name of /l2d)')
  @PageName()
  async modelManager(@Query('lanlan_name', PageNamePipe) name: string | undefined, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.render(reply, page('model_manager'), name);
  }

  @Get('live2d_parameter_editor')
  @HtmlPage('Live2D parameter editor page')
  @PageName()
  async parameterEditor(@Query('lanlan_name', PageNamePipe) name: string | undefined, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.render(reply, page('live2d_parameter_editor'), name);
  }

  @Get('live2d_emotion_manager')
  @HtmlPage('Live2D emotion manager page')
  @PageName()
  async emotionManager(@Query('lanlan_name', PageNamePipe) name: string | undefined, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.render(reply, page('live2d_emotion_manager'), name);
  }

  @Get('voice_clone')
  @HtmlPage('Voice clone page')
  @PageName()
  async voiceClone(@Query('lanlan_name', PageNamePipe) name: string | undefined, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.render(reply, page('voice_clone'), name);
  }

  @Get('api_key')
  @HtmlPage('API settings page')
  async apiKey(@Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.render(reply, page('api_key'));
  }

  @Get('steam_workshop_manager')
  @HtmlPage('Workshop manager page')
  @PageName()
  async workshop(@Query('lanlan_name', PageNamePipe) name: string | undefined, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.render(reply, page('steam_workshop_manager'), name);
  }

  @Get('memory_browser')
  @HtmlPage('Memory browser page')
  @PageName()
  async memoryBrowser(@Query('lanlan_name', PageNamePipe) name: string | undefined, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.render(reply, page('memory_browser'), name);
  }

  @Get('agent_manager')
  @HtmlPage('Agent page: channel switches with readiness, MCP servers, running tasks')
  @PageName()
  async agentManager(@Query('lanlan_name', PageNamePipe) name: string | undefined, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.render(reply, page('agent_manager'), name);
  }

  /** Catch-all: any single segment not claimed elsewhere is a character name (spec §3.7). */
  @Get(':lanlan_name')
  @HtmlPage('Companion page of the named character (catch-all for any single path segment)')
  async companion(@Param() params: CompanionParamDto, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.render(reply, COMPANION_PAGE, params.lanlan_name);
  }

  private async render(reply: FastifyReply, definition: PageDefinition, requested?: string): Promise<FastifyReply> {
    const ctx = await this.pages.context(definition, requested);
    // Pages are cheap and carry the current character: never serve a stale one from cache.
    const html = await reply.viewAsync(definition.template, ctx, { layout: PAGE_LAYOUT });
    return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
  }
}
