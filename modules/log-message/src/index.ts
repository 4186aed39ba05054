import { defineModule } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'log_message',
  type: 'solo',
  description: 'Logs a message at a level and sets it as the global `message`',
  category: 'Utilities',
  globals: ['message'],
  async run(_inputs, ctx) {
    const { message, level } = { ...DEFAULTS, ...ctx.config };
    ctx.logger[level](message);
    ctx.setGlobal('message', message);
  },
});
