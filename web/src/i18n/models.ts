// Messages of the models area (English, Simplified Chinese). Placeholders: {name}.
import type { Translation } from './types';

export const en = {
  'models.placeholder': '…',
} as const;

export const zh: Translation<typeof en> = {
  'models.placeholder': '…',
};
