// Messages of the agent area (English, Simplified Chinese). Placeholders: {name}.
import type { Translation } from './types';

export const en = {
  'agent.placeholder': '…',
} as const;

export const zh: Translation<typeof en> = {
  'agent.placeholder': '…',
};
