/**
 * The first time the window is closed, say once that Switchboard keeps running in the tray (the
 * menu bar on macOS), and where Quit is: closing is not quitting for a tray app that supervises
 * live connections. Remembered in a small file of the data directory, so it is said once ever.
 * Pure but for the two functions it is given (tested in close-hint.test.ts).
 */
export interface CloseHintDeps {
  platform: NodeJS.Platform;
  /** Whether the hint was shown before (a missing or unreadable record: not shown). */
  shownBefore(): boolean;
  remember(): void;
  say(title: string, body: string): void;
}

export function closeHintText(platform: NodeJS.Platform): { title: string; body: string } {
  const where = platform === 'darwin' ? 'menu bar' : 'tray';
  return {
    title: 'Switchboard is still running',
    body: `It keeps your servers ready for your MCP clients. Open it again from its ${where} icon; to stop it, choose Quit in that menu.`,
  };
}

/** The window's close handler: says the hint on the first close only. */
export function firstCloseHint(deps: CloseHintDeps): () => void {
  let said = false;
  return () => {
    if (said) return;
    said = true;
    let before: boolean;
    try {
      before = deps.shownBefore();
    } catch {
      before = false;
    }
    if (before) return;
    try {
      deps.remember();
    } catch {
      // said anyway; it may be said once more after a restart
    }
    const { title, body } = closeHintText(deps.platform);
    deps.say(title, body);
  };
}
