import { bootPage } from '../core/page';

bootPage(() => undefined);
