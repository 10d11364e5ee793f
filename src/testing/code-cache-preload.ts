/**
 * `node --require <this file>`: installs the V8 code cache (code-cache.ts) in a pack process started by the plan or
 * the test kit, in the directory named by PRODUCTION_PLATFORM_CODE_CACHE. The variable is removed at once, so the
 * pack sees the environment the engine would give it (pack-process.ts `packEnvironment`).
 */
import { CODE_CACHE_ENV, installCodeCache } from "./code-cache";

const dir = process.env[CODE_CACHE_ENV];
delete process.env[CODE_CACHE_ENV];
if (dir) installCodeCache(dir);
