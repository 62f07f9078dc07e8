// Agent page: the master switch, the three channels with their readiness in plain words, the
// MCP servers of mcp.json, and the agent's running tasks.
import { must } from '../core/dom';
import { onLanguageChange } from '../core/i18n';
import { bootPage, pageData } from '../core/page';
import { AgentSwitches } from '../manage/agent/agent-switches.view';
import { AgentTasks } from '../manage/agent/agent-tasks.view';
import { mountMcpEditor } from '../manage/agent/mcp-servers.editor';

/** Channel readiness can change by itself (a server starts, a key is added elsewhere). */
const STATUS_REFRESH_MS = 15_000;

bootPage(async () => {
  const data = pageData();
  const tasks = new AgentTasks(must('#agent-tasks'));
  // Saving servers changes the MCP channel's readiness and tools; so can switching the agent on.
  const recheck = async () => {
    await switches.refresh(true);
    switches.setToolCount(await mcp.refreshTools());
  };
  const mcp = mountMcpEditor(() => void recheck());
  const switches = new AgentSwitches(data.lanlanName || data.currentName, () => void mcp.refreshTools().then((n) => switches.setToolCount(n)));
  must('#agent-retry').addEventListener('click', () => void mcp.load().then(recheck));
  onLanguageChange(() => {
    switches.render();
    tasks.render();
    mcp.relabel();
  });
  setInterval(() => {
    if (!document.hidden) void switches.refresh();
  }, STATUS_REFRESH_MS);
  await Promise.all([mcp.load().then(recheck), tasks.poll()]);
});
