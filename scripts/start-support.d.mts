// Types of scripts/start-support.mjs (plain JavaScript, run by Node before any build).
export function devDataDir(env: Record<string, string | undefined>, platform?: NodeJS.Platform): string;
export const SANDBOX_FAILURE: RegExp;
export function sandboxAdvice(electronDist: string): string;
