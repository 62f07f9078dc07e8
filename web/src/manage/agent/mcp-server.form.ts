/**
 * One MCP server of the editor: a program to start (command, arguments, environment, folder) or
 * a web address (URL, connection, headers). Checked as the server checks it before saving.
 */
import { el } from '../../core/dom';
import { t, type MessageKey } from '../../core/i18n';
import type { McpServer } from './agent.api';
import { PairsField } from './mcp-pairs.field';

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const MAX_COMMAND_BYTES = 1024;
const MAX_ARGS = 32;
type Transport = 'auto' | 'streamable-http' | 'sse';

function field(label: MessageKey, input: HTMLElement, error: HTMLElement): HTMLElement {
  return el('label', { class: 'field' }, el('span', { text: t(label) }), input, error);
}

const errorLine = () => el('p', { class: 'field-error', hidden: true });

function mark(input: HTMLElement, error: HTMLElement, problem: string | undefined): string | undefined {
  error.hidden = problem === undefined;
  error.textContent = problem ?? '';
  // aria-invalid="" would read as valid: the attribute is "true" or absent
  if (problem === undefined) input.removeAttribute('aria-invalid');
  else input.setAttribute('aria-invalid', 'true');
  return problem;
}

export class McpServerForm {
  readonly root: HTMLDetailsElement;
  private readonly name: HTMLInputElement;
  private readonly kind: HTMLSelectElement;
  private readonly command: HTMLInputElement;
  private readonly args: HTMLTextAreaElement;
  private readonly cwd: HTMLInputElement;
  private readonly url: HTMLInputElement;
  private readonly transport: HTMLSelectElement;
  private readonly env: PairsField;
  private readonly headers: PairsField;
  private readonly errors = { name: errorLine(), command: errorLine(), args: errorLine(), url: errorLine() };
  private readonly title = el('h3', { class: 'mcp-title' });
  readonly status = el('div', { class: 'mcp-status' });

  constructor(server: McpServer, onInput: () => void, onRemove: (form: McpServerForm) => void) {
    const isHttp = server.url !== undefined;
    this.name = el('input', { type: 'text', value: server.name, maxlength: 64, autocomplete: 'off', spellcheck: 'false', placeholder: 'notes' });
    this.kind = el('select', {}, el('option', { value: 'stdio', text: t('agent.mcp.kind.stdio') }), el('option', { value: 'http', text: t('agent.mcp.kind.http') }));
    this.kind.value = isHttp ? 'http' : 'stdio';
    this.command = el('input', { type: 'text', value: server.command ?? '', spellcheck: 'false', placeholder: 'npx' });
    this.args = el('textarea', { rows: 2, spellcheck: 'false', placeholder: '-y\n@modelcontextprotocol/server-memory', value: (server.args ?? []).join('\n') });
    this.cwd = el('input', { type: 'text', value: server.cwd ?? '', spellcheck: 'false' });
    this.url = el('input', { type: 'url', value: server.url ?? '', spellcheck: 'false', placeholder: 'http://127.0.0.1:3282/mcp' });
    this.transport = el('select', {}, (['auto', 'streamable-http', 'sse'] as const).map((v) => el('option', { value: v, text: t(`agent.mcp.transport.${v}`) })));
    this.transport.value = server.type === 'sse' ? 'sse' : server.type === 'http' || server.type === 'streamable-http' ? 'streamable-http' : 'auto';
    this.env = new PairsField('agent.mcp.env', server.env, onInput);
    this.headers = new PairsField('agent.mcp.headers', server.headers, onInput);

    const stdio = el('div', { class: 'mcp-kind-stdio' }, field('agent.mcp.command', this.command, this.errors.command), field('agent.mcp.args', this.args, this.errors.args), this.env.root, field('agent.mcp.cwd', this.cwd, errorLine()));
    const http = el('div', { class: 'mcp-kind-http' }, field('agent.mcp.url', this.url, this.errors.url), field('agent.mcp.transport', this.transport, errorLine()), this.headers.root);
    const showKind = () => {
      stdio.hidden = this.kind.value !== 'stdio';
      http.hidden = this.kind.value !== 'http';
    };
    this.kind.addEventListener('change', showKind);
    showKind();
    const remove = el('button', { type: 'button', class: 'danger small', text: t('agent.mcp.remove'), onclick: () => onRemove(this) });
    // Saved servers start folded (name and tools); a new one opens for typing.
    this.root = el(
      'details',
      { class: 'mcp-server', 'data-server': server.name, open: server.name === '' },
      el('summary', { class: 'mcp-head' }, this.title, this.status),
      el('div', { class: 'mcp-grid' }, field('agent.mcp.name', this.name, this.errors.name), field('agent.mcp.kind', this.kind, errorLine())),
      stdio,
      http,
      el('div', { class: 'mcp-foot' }, remove),
    );
    this.root.addEventListener('input', () => {
      this.retitle();
      onInput();
    });
    this.root.addEventListener('change', onInput);
    this.retitle();
  }

  get serverName(): string {
    return this.name.value.trim();
  }

  /** The entry to save. */
  value(): McpServer {
    const name = this.serverName;
    if (this.kind.value === 'http') {
      const transport = this.transport.value as Transport;
      const headers = this.headers.value();
      return { name, url: this.url.value.trim(), ...(transport === 'auto' ? {} : { type: transport }), ...(Object.keys(headers).length ? { headers } : {}) };
    }
    const args = this.args.value.split('\n').map((a) => a.trim()).filter((a) => a !== '');
    const env = this.env.value();
    const cwd = this.cwd.value.trim();
    return { name, command: this.command.value.trim(), ...(args.length ? { args } : {}), ...(Object.keys(env).length ? { env } : {}), ...(cwd ? { cwd } : {}) };
  }

  /** Marks every problem; true when the entry can be saved. `taken` = names used by earlier servers. */
  validate(taken: ReadonlySet<string>): boolean {
    const v = this.value();
    const problems = [
      mark(this.name, this.errors.name, !NAME.test(v.name) ? t('agent.mcp.bad.name') : taken.has(v.name) ? t('agent.mcp.bad.duplicate', { name: v.name }) : undefined),
    ];
    if (this.kind.value === 'http') {
      let ok: boolean;
      try {
        ok = ['http:', 'https:'].includes(new URL(v.url ?? '').protocol);
      } catch {
        ok = false;
      }
      problems.push(mark(this.url, this.errors.url, ok ? undefined : t('agent.mcp.bad.url')), this.headers.validate());
    } else {
      const bytes = new TextEncoder().encode(v.command ?? '').length;
      problems.push(
        mark(this.command, this.errors.command, bytes === 0 || bytes > MAX_COMMAND_BYTES ? t('agent.mcp.bad.command') : undefined),
        mark(this.args, this.errors.args, (v.args?.length ?? 0) > MAX_ARGS ? t('agent.mcp.bad.args') : undefined),
        this.env.validate(),
      );
    }
    const ok = problems.every((p) => p === undefined);
    // A folded server with a mistake opens, so the marked field can be seen.
    if (!ok) this.root.open = true;
    return ok;
  }

  /** What the agent reports for this server: its tools, or none yet (undefined: the agent cannot be asked). */
  showTools(list: readonly string[] | undefined): void {
    if (!list) {
      this.status.replaceChildren();
      return;
    }
    const badge = el('span', { class: `badge ${list.length ? 'ok' : 'warn'}`, text: list.length ? t('agent.mcp.tools', { count: list.length }) : t('agent.mcp.noTools') });
    const names = el('span', { class: 'mcp-tools', title: list.join(', '), text: list.slice(0, 6).join(' · ') + (list.length > 6 ? ' …' : '') });
    this.status.replaceChildren(...(list.length ? [badge, names] : [badge]));
  }

  private retitle(): void {
    this.title.textContent = this.serverName || t('agent.mcp.unnamed');
  }
}
