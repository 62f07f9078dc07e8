import { Logger } from '@nestjs/common';

// Keep test output readable: Nest's default logger prints errors only (warnings are asserted where they matter).
Logger.overrideLogger(['error']);
