import type { AppConfig } from '../libs/config/config.js';
import type { Orm } from '../libs/persistence/orm.js';

/** What activities may touch: every piece of I/O the worker is allowed to do comes through here. */
export interface ActivityDependencies {
  config: AppConfig;
  orm: Orm;
}
