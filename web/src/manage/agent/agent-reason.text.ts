/**
 * The agent's readiness codes (AGENT_KEY_NOT_CONFIGURED …) as sentences saying what to do, one
 * wording for every page. The agent page shows the MCP server editor right below the channels, so
 * its texts point "below"; other pages (the companion's agent switch) point to the agent page.
 */
import { hasMessage, t } from '../../core/i18n';

export type ReasonPlace = 'agent-page' | 'elsewhere';

export function reasonText(code: string | undefined, place: ReasonPlace = 'agent-page'): string {
  const away = `agent.reasonAway.${code ?? ''}`;
  if (place === 'elsewhere' && hasMessage(away)) return t(away);
  const key = `agent.reason.${code ?? ''}`;
  return hasMessage(key) ? t(key) : t('agent.reason.other', { code: code || '?' });
}
