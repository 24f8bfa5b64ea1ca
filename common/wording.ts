/**
 * Sentences the window and the tray both say, so that a question reads the same wherever it is
 * asked (the review's "one vocabulary"): signing out, where sign-ins are kept when this computer
 * has no keyring, and what an idle server is. Data only.
 */

/** The Sign out… confirmation (the server page's dialog and the tray's). */
export function signOutQuestion(name: string): { title: string; body: string; confirm: string } {
  return {
    title: `Sign out of ${name}?`,
    body: `Switchboard signs you out at ${name} and forgets this computer's sign-in. Your MCP clients can't use ${name} until you sign in again.`,
    confirm: 'Sign out',
  };
}

/** Where sign-ins are kept without a keyring: the two choices, in the same words on every host. */
export const STORAGE_CHOICES = {
  store: {
    label: 'Keep me signed in',
    hint: 'Sign-ins are saved in a file only your user account can read. You stay signed in after a restart, but any program running as you could read them.',
  },
  memory: {
    label: 'Sign in again after each start',
    hint: 'Sign-ins stay in memory and are never written to disk. A client secret you typed is still kept.',
  },
} as const;

export const STORAGE_PROBLEM = 'This computer has no keyring to protect your sign-ins.';

/** A server whose proxy is not running because no client used it lately (state `idle`). */
export const IDLE_STATE = {
  label: 'Idle',
  /** The window's sentence and the tray's line say the same. */
  sentence: 'Idle — starts when a client connects.',
  /** The tray tooltip's count: "2 idle". */
  count: 'idle',
} as const;

/** Settings ▸ General: how long a proxy with no client keeps running. */
export const PROXY_IDLE_SETTING = {
  label: 'Stop unused servers after',
  hint: 'A server’s proxy starts when a client connects and stops after this many minutes without one, so servers you are not using take no memory. 0 keeps every proxy running.',
} as const;
