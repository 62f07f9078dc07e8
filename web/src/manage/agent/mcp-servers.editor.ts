/**
 * The MCP server list of mcp.json (#mcp-servers): add, edit, remove, save. Main writes the file
 * and tells the agent, which then reports each server's tools; entries the editor cannot show
 * are listed as kept untouched.
 */
import { ApiError } from '../../core/api';
import { confirmDialog } from '../../core/dialog';
import { el, must } from '../../core/dom';
import { t } from '../../core/i18n';
import { guarded, showLoadError, toast } from '../../core/toast';
import { readMcpServers, saveMcpServers, toolsByServer, type McpServer, type McpServers } from './agent.api';
import { McpServerForm } from './mcp-server.form';

const MAX_SERVERS = 32;

export class McpServersEditor {
  private forms: McpServerForm[] = [];
  private revision: string | undefined;
  private readonly list = el('div', { class: 'mcp-list' });
  private readonly kept = el('ul', { class: 'mcp-kept' });
  private readonly problem = el('p', { class: 'banner banner-warn', hidden: true });
  private readonly dirty = el('span', { class: 'badge warn', hidden: true });
  private readonly saveButton = el('button', { type: 'button', 'data-action': 'save-mcp' });
  private readonly addButton = el('button', { type: 'button', class: 'secondary', 'data-action': 'add-mcp' });

  constructor(
    private readonly root: HTMLElement,
    private readonly onSaved: () => void,
  ) {
    this.saveButton.addEventListener('click', () => void this.save());
    this.addButton.addEventListener('click', () => this.add());
    this.relabel();
    // Closing the tab with edits not saved would lose them without a word.
    window.addEventListener('beforeunload', (ev) => {
      if (!this.dirty.hidden) ev.preventDefault();
    });
  }

  async load(): Promise<void> {
    this.root.replaceChildren(el('div', { class: 'skeleton' }));
    try {
      this.show(await readMcpServers());
      this.root.replaceChildren(this.problem, this.list, this.kept, el('div', { class: 'row mcp-actions' }, this.addButton, el('span', { class: 'grow' }), this.dirty, this.saveButton));
    } catch (err) {
      showLoadError(this.root, t('agent.mcp.loadFailed'), err);
    }
  }

  /** Each server's tools as the agent reports them now; answers how many there are in all. */
  async refreshTools(): Promise<number | undefined> {
    const tools = await toolsByServer();
    for (const form of this.forms) form.showTools(tools ? (tools.get(form.serverName) ?? []) : undefined);
    return tools ? [...tools.values()].reduce((n, list) => n + list.length, 0) : undefined;
  }

  /** Texts made by the script (the language changed); the forms are rebuilt with what they hold. */
  relabel(): void {
    this.saveButton.textContent = t('agent.mcp.save');
    this.addButton.textContent = t('agent.mcp.add');
    this.dirty.textContent = t('agent.mcp.unsaved');
    if (this.forms.length === 0) return;
    this.forms = this.forms.map((f) => this.form(f.value()));
    this.renderList();
    void this.refreshTools();
  }

  private show(body: McpServers): void {
    this.revision = body.revision;
    this.problem.hidden = !body.problem;
    this.problem.textContent = body.problem ? t('agent.mcp.fileProblem', { problem: body.problem }) : '';
    this.forms = body.servers.map((s) => this.form(s));
    this.renderList();
    this.kept.replaceChildren(...(body.invalid ?? []).map((i) => el('li', { class: 'banner banner-warn' }, el('strong', { text: i.name }), ' — ', t('agent.mcp.keptInvalid', { error: i.error }))));
    this.setDirty(false);
  }

  private form(server: McpServer): McpServerForm {
    return new McpServerForm(server, () => this.setDirty(true), (f) => void this.remove(f));
  }

  private renderList(): void {
    this.list.replaceChildren(...(this.forms.length ? this.forms.map((f) => f.root) : [el('p', { class: 'empty', text: t('agent.mcp.empty') })]));
    this.addButton.disabled = this.forms.length >= MAX_SERVERS;
  }

  private add(): void {
    const form = this.form({ name: '', command: '' });
    this.forms.push(form);
    this.renderList();
    this.setDirty(true);
    form.root.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    form.root.querySelector('input')?.focus();
  }

  private async remove(form: McpServerForm): Promise<void> {
    const name = form.serverName || t('agent.mcp.unnamed');
    if (!(await confirmDialog(t('agent.mcp.removeConfirm', { name }), { danger: true, okText: t('agent.mcp.remove') }))) return;
    this.forms = this.forms.filter((f) => f !== form);
    this.renderList();
    this.setDirty(true);
  }

  private async save(): Promise<void> {
    const taken = new Set<string>();
    let ok = true;
    for (const form of this.forms) {
      ok = form.validate(taken) && ok;
      taken.add(form.serverName);
    }
    if (!ok) {
      toast(t('agent.mcp.fixFirst'), 'warn');
      this.list.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    await guarded(
      t('agent.mcp.saveFailed'),
      async () => {
        let body: McpServers;
        try {
          body = await saveMcpServers(this.forms.map((f) => f.value()), this.revision);
        } catch (err) {
          if (!(err instanceof ApiError && err.status === 409)) throw err;
          // mcp.json was edited elsewhere: saving this list would drop what was added there.
          if (await confirmDialog(t('agent.mcp.conflict'), { okText: t('agent.mcp.reload') })) await this.load();
          return;
        }
        this.show(body);
        toast(t(body.agent_notified ? 'agent.mcp.saved' : 'agent.mcp.savedOffline'), 'ok');
        this.onSaved();
      },
      this.saveButton,
    );
  }

  private setDirty(on: boolean): void {
    this.dirty.hidden = !on;
  }
}

/** The editor on #mcp-servers. */
export function mountMcpEditor(onSaved: () => void): McpServersEditor {
  return new McpServersEditor(must('#mcp-servers'), onSaved);
}
