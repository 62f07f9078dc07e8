// Messages of the api area (English, Simplified Chinese). Placeholders: {name}.
import type { Translation } from './types';

export const en = {
  'api.placeholder': '…',
} as const;

export const zh: Translation<typeof en> = {
  'api.placeholder': '…',
};
