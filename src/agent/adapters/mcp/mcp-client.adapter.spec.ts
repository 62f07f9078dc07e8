import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boundText } from '../agent-channel.port';
import { MAX_RENDERED_CHARS, McpClientAdapter, renderToolContent } from './mcp-client.adapter';

describe('renderToolContent', () => {
  it('joins text parts and marks other content types', () => {
    const text = renderToolContent({
      content: [
        { type: 'text', text: 'first' },
        { type: 'image', data: 'AAAA', mimeType: 'image/png' },
        { type: 'resource', resource: { uri: 'file:///a.txt', text: 'inline body' } },
        { type: 'resource', resource: { uri: 'file:///b.bin', blob: 'AA' } },
        { type: 'resource_link', uri: 'file:///c', name: 'c' },
        null,
      ],
    });
    expect(text).toBe('first\n[image image/png]\ninline body\n[resource file:///b.bin]\n[resource file:///c]');
  });

  it('falls back to structured content and bounds huge results', () => {
    expect(renderToolContent({ content: [], structuredContent: { temp: 21 } })).toBe('{"temp":21}');
    expect(renderToolContent({})).toBe('');
    const huge = renderToolContent({ content: Array.from({ length: 50 }, () => ({ type: 'text', text: 'y'.repeat(1000) })) });
    expect(huge.length).toBe(MAX_RENDERED_CHARS);
  });
});

describe('boundText', () => {
  it('keeps short texts and cuts long ones to the limit with an ellipsis', () => {
    expect(boundText('abc', 3)).toBe('abc');
    expect(boundText('abcdef', 4)).toBe('abc…');
    expect(boundText('abcdef', 4)).toHaveLength(4);
  });
});

describe('McpClientAdapter.execute input checks', () => {
  let root: string;
  let adapter: McpClientAdapter;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'neko-mcp-adapter-'));
    writeFileSync(join(root, 'mcp.json'), JSON.stringify({ mcpServers: { s: { command: 'node' } } }));
    adapter = new McpClientAdapter(root, { maxArgsBytes: 100 });
  });
  afterEach(async () => {
    await adapter.onModuleDestroy();
    rmSync(root, { recursive: true, force: true });
  });

  it('rejects malformed action names, oversized arguments and unknown servers without spawning anything', async () => {
    for (const action of [undefined, '', 'tool', '/tool', 'server/']) {
      const result = await adapter.execute({ action });
      expect(result.success).toBe(false);
      expect(result.error).toMatch(/action must be "server\/tool"/);
    }
    const big = await adapter.execute({ action: 's/t', args: { x: 'z'.repeat(200) } });
    expect(big.error).toMatch(/^arguments are \d+ bytes; the limit is 100$/);
    const arrayArgs = await adapter.execute({ action: 's/t', args: [] as unknown as Record<string, unknown> });
    expect(arrayArgs.error).toBe('arguments must be a JSON object');
    await expect(adapter.execute({ action: 'other/t' })).resolves.toMatchObject({ error: 'no MCP server named "other" in mcp.json' });
    const aborted = new AbortController();
    aborted.abort();
    await expect(adapter.execute({ action: 's/t' }, { signal: aborted.signal })).resolves.toMatchObject({ error: 'cancelled' });
  });

  it('keeps every failure summary within 500 characters', async () => {
    const result = await adapter.execute({ action: `${'n'.repeat(2000)}/t` });
    expect(result.success).toBe(false);
    expect(result.summary.length).toBeLessThanOrEqual(500);
    expect((result.error ?? '').length).toBeLessThanOrEqual(500);
  });
});
