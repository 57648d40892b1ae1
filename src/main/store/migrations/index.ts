/**
 * The ordered list of schema migrations. Versions step by 10; each one runs inside the single
 * transaction opened by `migrate`, and `PRAGMA user_version` records the newest applied.
 */
import { migration0010 } from './0010-initial.ts';
import { migration0020 } from './0020-run-owner.ts';
import { migration0030 } from './0030-attacks.ts';
import type { Migration } from './migration.ts';

export type { Migration };

export const MIGRATIONS: readonly Migration[] = [migration0010, migration0020, migration0030];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
