/**
 * A real stdio MCP server for tests. Not imported by tests: they bundle this file with esbuild
 * (see test/integration/agent-mcp.int-spec.ts) and run the output with `process.execPath`.
 * Tools: `clock` (ISO time), `notes_add {text}` / `notes_list` (in memory), `fail` (isError result),
 * `sleep {ms}` (answers after a delay, for timeout tests). `--crash` exits before serving.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const text = (t: string) => ({ content: [{ type: 'text' as const, text: t }] });

async function serve(): Promise<void> {
  if (process.argv.includes('--crash')) {
    process.stderr.write('mcp test server: crashing on purpose\n');
    process.exit(3);
  }
  const notes: string[] = [];
  const server = new McpServer({ name: 'neko-test', version: '1.0.0' });
  server.registerTool('clock', { description: 'Current time as ISO 8601' }, () => text(new Date().toISOString()));
  server.registerTool(
    'notes_add',
    { description: 'Adds a note', inputSchema: { text: z.string().min(1).max(1000) } },
    ({ text: note }) => {
      notes.push(note);
      return text(`added note ${notes.length}: ${note}`);
    },
  );
  server.registerTool('notes_list', { description: 'Lists the notes' }, () =>
    text(notes.length ? notes.map((n, i) => `${i + 1}. ${n}`).join('\n') : 'no notes'),
  );
  server.registerTool('fail', { description: 'Always fails' }, () => ({ ...text('this tool always fails'), isError: true }));
  server.registerTool(
    'sleep',
    { description: 'Answers after ms milliseconds', inputSchema: { ms: z.number().int().min(0).max(60_000) } },
    async ({ ms }) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return text(`slept ${ms} ms`);
    },
  );
  await server.connect(new StdioServerTransport());
}

serve().catch((err: unknown) => {
  process.stderr.write(`mcp test server failed: ${String(err)}\n`);
  process.exit(1);
});
