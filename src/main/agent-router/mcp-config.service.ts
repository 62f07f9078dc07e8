import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { DATA_FOLDER } from '../../shared/config/config.tokens';
import { writeFileAtomic } from '../../shared/data/atomic-file';
import type { DataFolder } from '../../shared/data/data-folder';
import { isPlainObject, parseStrictJson, rewriteJson, serializeJson } from '../../shared/data/json-edit';
import { AgentProxyService } from './agent-proxy.service';
import { MCP_EDIT_LIMITS, McpServerEntryDto, McpServersDto } from './mcp-config.dto';

/** Keys of an entry the agent understands (its parser rejects any other). */
const ENTRY_KEYS = ['command', 'args', 'env', 'cwd', 'url', 'headers', 'type'] as const;

export interface McpServersView {
  readonly success: true;
  readonly path: string;
  readonly exists: boolean;
  /** Names the file's content as read; a PUT that carries it is refused when the file changed since. */
  readonly revision: string;
  readonly servers: McpServerEntryDto[];
  readonly invalid: { name: string; error: string }[];
  /** Why the file as a whole could not be read (it is kept as a backup when the list is saved). */
  readonly problem?: string;
}

/** A user mistake in the list: answered as 422 with this readable message. */
export class McpConfigInputError extends Error {}

/** The file changed (by hand, another tab) after the page read it: answered as 409. */
export class McpConfigConflictError extends Error {}

/** '' while there is no file; else a short hash of its text. */
const revisionOf = (raw: string | undefined): string => (raw === undefined ? '' : createHash('sha256').update(raw).digest('hex').slice(0, 16));

export interface McpSaveRequest {
  readonly servers: McpServerEntryDto[];
  readonly revision?: string;
}

/** The first failing rule, with where it is ("servers[2].url: …"). */
function describeErrors(errors: readonly ValidationError[], path = ''): string | undefined {
  for (const e of errors) {
    const here = /^\d+$/.test(e.property) ? `${path}[${e.property}]` : path ? `${path}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {})[0];
    if (own !== undefined) return `${here}: ${own}`;
    const child = describeErrors(e.children ?? [], here);
    if (child !== undefined) return child;
  }
  return undefined;
}

/** The PUT body as a validated list, or a readable McpConfigInputError. */
export function parseServersBody(body: unknown): McpSaveRequest {
  if (!isPlainObject(body)) throw new McpConfigInputError('the body must be a JSON object {"servers": [...]}');
  const dto = plainToInstance(McpServersDto, body);
  const problem = describeErrors(validateSync(dto, { forbidUnknownValues: false }));
  if (problem !== undefined) throw new McpConfigInputError(problem);
  return { servers: dto.servers, ...(dto.revision !== undefined ? { revision: dto.revision } : {}) };
}

/** Why an entry cannot be used, or undefined when it is a valid stdio or HTTP server. */
function entryProblem(entry: McpServerEntryDto): string | undefined {
  const hasCommand = typeof entry.command === 'string';
  const hasUrl = typeof entry.url === 'string';
  if (hasCommand === hasUrl) return 'give either a command (a program to start) or a url (a server to call), not both';
  if (hasUrl) {
    let url: URL | undefined;
    try {
      url = new URL(entry.url ?? '');
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return 'url must be an http:// or https:// address';
    if (entry.type === 'stdio' || entry.args || entry.env || entry.cwd) return 'args, env, cwd and type "stdio" belong to command servers, not url ones';
  } else if (entry.headers || (entry.type !== undefined && entry.type !== 'stdio')) {
    return 'headers and the HTTP types belong to url servers, not command ones';
  }
  return undefined;
}

/** An entry of the file as the editor shows it, or the reason it cannot. */
function readEntry(name: string, raw: unknown): McpServerEntryDto | string {
  if (!isPlainObject(raw)) return 'the entry is not an object';
  const extra = Object.keys(raw).filter((k) => !(ENTRY_KEYS as readonly string[]).includes(k));
  if (extra.length > 0) return `unknown field ${extra.map((k) => `"${k}"`).join(', ')}`;
  const entry = plainToInstance(McpServerEntryDto, { ...raw, name });
  return describeErrors(validateSync(entry, { forbidUnknownValues: false })) ?? entryProblem(entry) ?? entry;
}

/** The entry as written to the file: only the fields that say something, in a stable order. */
function fileEntry(s: McpServerEntryDto): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ENTRY_KEYS) {
    const v = s[key];
    if (v === undefined || (Array.isArray(v) && v.length === 0) || (isPlainObject(v) && Object.keys(v).length === 0)) continue;
    out[key] = v;
  }
  return out;
}

/**
 * `<data folder>/mcp.json`, the agent's list of MCP servers, for the agent page: read it as an
 * editable list, and save an edited list atomically without losing the file's other keys. The
 * agent re-reads the file when it changes; it is also told, so its channel status updates at once.
 */
@Injectable()
export class McpConfigService {
  private readonly logger = new Logger(McpConfigService.name);
  readonly path: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(DATA_FOLDER) folder: DataFolder,
    private readonly agent: AgentProxyService,
  ) {
    this.path = join(folder.root, 'mcp.json');
  }

  async read(): Promise<McpServersView> {
    const file = await this.load();
    const view = { success: true as const, path: this.path, exists: file.raw !== undefined, revision: revisionOf(file.raw), servers: [] as McpServerEntryDto[], invalid: [] as { name: string; error: string }[] };
    if (file.problem) return { ...view, problem: file.problem };
    const entries = isPlainObject(file.root.mcpServers) ? file.root.mcpServers : {};
    for (const [name, raw] of Object.entries(entries)) {
      const entry = readEntry(name, raw);
      if (typeof entry === 'string') view.invalid.push({ name: name.slice(0, MCP_EDIT_LIMITS.nameChars), error: entry });
      else view.servers.push(entry);
    }
    return view;
  }

  /** Saves the list (validated by the DTO; here the rules across fields and entries), then tells the agent. */
  async save({ servers, revision }: McpSaveRequest): Promise<McpServersView & { agent_notified: boolean }> {
    const seen = new Set<string>();
    servers.forEach((s, i) => {
      if (seen.has(s.name)) throw new McpConfigInputError(`servers[${i}].name: "${s.name}" is used twice`);
      seen.add(s.name);
      const problem = entryProblem(s);
      if (problem) throw new McpConfigInputError(`servers[${i}] ("${s.name}"): ${problem}`);
    });
    const run = this.queue.then(() => this.write(servers, revision));
    this.queue = run.catch(() => undefined);
    await run;
    const notified = await this.agent.notifyConfigChanged();
    return { ...(await this.read()), agent_notified: notified.status === 200 };
  }

  private async write(servers: readonly McpServerEntryDto[], revision: string | undefined): Promise<void> {
    const file = await this.load();
    // A server added by hand after the page loaded is not in its list: saving would delete it.
    if (revision !== undefined && revision !== revisionOf(file.raw)) {
      throw new McpConfigConflictError('mcp.json was changed elsewhere after this page read it; reload the list, then make your changes again');
    }
    const before = !file.problem && isPlainObject(file.root.mcpServers) ? file.root.mcpServers : {};
    // A Map, not an object literal: a server named "__proto__" must stay an entry, not a prototype.
    const next = new Map<string, unknown>(servers.map((s) => [s.name, fileEntry(s)]));
    // Entries the editor could not show stay as the user wrote them (unless one was saved over).
    for (const [name, raw] of Object.entries(before)) if (!next.has(name) && typeof readEntry(name, raw) === 'string') next.set(name, raw);
    if (next.size > MCP_EDIT_LIMITS.servers) throw new McpConfigInputError(`at most ${MCP_EDIT_LIMITS.servers} servers (with the ones kept from the file)`);
    const root = { ...(file.problem ? {} : file.root), mcpServers: Object.fromEntries(next) };
    if (file.problem && file.raw !== undefined) {
      const backup = `${this.path}.broken-${Date.now()}`;
      await fs.copyFile(this.path, backup);
      this.logger.warn(`mcp.json could not be read (${file.problem}); kept it as ${backup}`);
    }
    const text = file.raw !== undefined && !file.problem ? rewriteJson(file.raw, root) : `${serializeJson(root)}\n`;
    await writeFileAtomic(this.path, text);
  }

  private async load(): Promise<{ raw?: string; root: Record<string, unknown>; problem?: string }> {
    let raw: string;
    try {
      raw = await fs.readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { root: {} };
      return { root: {}, problem: `cannot read mcp.json: ${(err as Error).message}` };
    }
    try {
      const root = parseStrictJson(raw);
      if (!isPlainObject(root)) return { raw, root: {}, problem: 'mcp.json is not a JSON object' };
      if (root.mcpServers !== undefined && !isPlainObject(root.mcpServers)) return { raw, root: {}, problem: '"mcpServers" in mcp.json is not an object' };
      return { raw, root };
    } catch (err) {
      return { raw, root: {}, problem: `mcp.json is not valid JSON (${(err as Error).message})` };
    }
  }
}
