import { Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, ParseIntPipe, Patch, Put, Query, type PipeTransform } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { LanlanNamePipe } from '../messages/lanlan-name.pipe';
import { RecallService, type RecallHit } from '../search/recall.service';
import { SemanticIndexer } from '../semantic/semantic-indexer.service';
import type { TimeIndexTable } from '../time-index/time-index.repository';
import { EditTextDto, PageQueryDto, ReplaceRecentDto, SearchQueryDto } from './memory-browse.dto';
import { MemoryBrowseService } from './memory-browse.service';

const date = (iso?: string) => (iso ? new Date(iso) : undefined);
const hitResult = (h: RecallHit) => ({ id: h.sourceId, kind: h.kind === 'original' ? 'turn' : h.kind, text: h.text, speaker: h.speaker, timestamp: h.timestamp, sessionId: h.sessionId, score: h.score });
const TABLES: Readonly<Record<string, TimeIndexTable>> = { turns: 'original', summaries: 'compressed', facts: 'facts' };

/** `turns` → time_indexed_original, `summaries` → time_indexed_compressed, `facts` → memory_facts; else 404. */
class KindPipe implements PipeTransform<string, TimeIndexTable> {
  transform(value: string): TimeIndexTable {
    const t = TABLES[value];
    if (!t) throw new NotFoundException('Not Found');
    return t;
  }
}

/** Our JSON API for the main server and the memory browser: one owner of the memory files. */
@ApiTags('memory')
@ApiParam({ name: 'name', description: 'Character name (lanlan_name)' })
@Controller('api/memory/:name')
export class MemoryBrowseController {
  constructor(
    private readonly browse: MemoryBrowseService,
    private readonly recall: RecallService,
    private readonly semantic: SemanticIndexer,
  ) {}

  @Get('recent')
  @ApiOperation({ summary: 'Recent memory (recent_{name}.json) as entries' })
  async recent(@Param('name', LanlanNamePipe) name: string) {
    return { entries: await this.browse.recentEntries(name) };
  }

  @Put('recent')
  @ApiOperation({ summary: 'Replace the recent memory (memory browser save)' })
  async replaceRecent(@Param('name', LanlanNamePipe) name: string, @Body() body: ReplaceRecentDto) {
    await this.browse.replaceRecent(name, body.entries);
    return { success: true };
  }

  @Patch('recent/:index')
  @ApiOperation({ summary: 'Correct one recent entry' })
  async editRecent(@Param('name', LanlanNamePipe) name: string, @Param('index', ParseIntPipe) index: number, @Body() body: EditTextDto) {
    await this.browse.editRecent(name, index, body.text);
    return { success: true };
  }

  @Delete('recent/:index')
  @ApiOperation({ summary: 'Delete one recent entry' })
  async deleteRecent(@Param('name', LanlanNamePipe) name: string, @Param('index', ParseIntPipe) index: number) {
    await this.browse.deleteRecent(name, index);
    return { success: true };
  }

  @Get('search')
  @ApiOperation({ summary: 'Recall: ranked turns and summaries with the retrievers that found them' })
  async search(@Param('name', LanlanNamePipe) name: string, @Query() q: SearchQueryDto) {
    const hits = await this.recall.search(name, { query: q.q, k: q.k, from: date(q.from), to: date(q.to), sessionId: q.session, modelExpansion: true });
    return { results: hits.map((h) => ({ ...hitResult(h), retrievers: h.retrievers })) };
  }

  /** Before `:kind`, which would take "recall". */
  @Get('recall')
  @ApiOperation({ summary: "Quick recall for main's chat engine before each user turn: the search's ranking without the summary model's keyword expansion" })
  async quickRecall(@Param('name', LanlanNamePipe) name: string, @Query() q: SearchQueryDto) {
    const hits = await this.recall.search(name, { query: q.q, k: q.k ?? 10, from: date(q.from), to: date(q.to), sessionId: q.session, modelExpansion: false });
    return { results: hits.map(hitResult) };
  }

  @Get('index')
  @ApiOperation({ summary: 'Vector index progress (model, pending, indexed)' })
  index(@Param('name', LanlanNamePipe) name: string) {
    return this.semantic.progress(name);
  }

  @Get(':kind')
  @ApiParam({ name: 'kind', enum: ['turns', 'summaries', 'facts'] })
  @ApiOperation({ summary: 'Time-indexed turns, session summaries or extracted facts, paged, by time window or session' })
  list(@Param('name', LanlanNamePipe) name: string, @Param('kind', KindPipe) kind: TimeIndexTable, @Query() q: PageQueryDto) {
    return this.browse.list(name, kind, { from: date(q.from), to: date(q.to), sessionId: q.session, limit: q.limit ?? 50, offset: q.offset ?? 0, newestFirst: q.order !== 'asc' });
  }

  @Get(':kind/:id')
  @ApiParam({ name: 'kind', enum: ['turns', 'summaries', 'facts'] })
  get(@Param('name', LanlanNamePipe) name: string, @Param('kind', KindPipe) kind: TimeIndexTable, @Param('id', ParseIntPipe) id: number) {
    return this.browse.get(name, kind, id);
  }

  @Patch(':kind/:id')
  @ApiParam({ name: 'kind', enum: ['turns', 'summaries', 'facts'] })
  @ApiOperation({ summary: 'Correct a turn, summary or fact (re-indexed and re-embedded)' })
  edit(@Param('name', LanlanNamePipe) name: string, @Param('kind', KindPipe) kind: TimeIndexTable, @Param('id', ParseIntPipe) id: number, @Body() body: EditTextDto) {
    return this.browse.edit(name, kind, id, body.text);
  }

  @Delete(':kind/:id')
  @HttpCode(200)
  @ApiParam({ name: 'kind', enum: ['turns', 'summaries', 'facts'] })
  @ApiOperation({ summary: 'Forget: remove from every layer (stored row, recall index, vectors, recent file)' })
  async forget(@Param('name', LanlanNamePipe) name: string, @Param('kind', KindPipe) kind: TimeIndexTable, @Param('id', ParseIntPipe) id: number) {
    await this.browse.forget(name, kind, id);
    return { success: true };
  }
}
