/**
 * The user's choice when secrets cannot be stored securely (Linux without a keyring: safeStorage's
 * `basic_text`, or the headless host's plain file). DESIGN.md: "a warning with a choice".
 *
 * - `ask` (not decided yet) and `store`: values go to the inner vault, as before.
 * - `memory`: while the inner vault is not secure, tokens live only in this process; they are not
 *   written, and whatever tokens were persisted are moved into memory and deleted from disk when the
 *   choice is made (or found at start). The user signs in again after a restart.
 * - What the user typed (a pre-registered client's secret, under CLIENT_SECRET_PREFIX) is not a
 *   token: it stays in the inner vault whatever the choice, like the header values in settings.json.
 *   Deleting it would leave a server that can never sign in again after a restart.
 *
 * With a secure inner vault (a keyring appeared) the choice does not matter: values are persisted.
 * Security is read on every call, because the app learns it only once Electron is ready.
 */
import type { WeakStorageChoice } from '../../../common/contract';
import type { SecretVault, VaultSecurity } from './types';

/** Keys of values the user typed (a pre-registered client's secret): never moved into memory. */
export const CLIENT_SECRET_PREFIX = 'client-secret:';

const typedByUser = (key: string) => key.startsWith(CLIENT_SECRET_PREFIX);

export class ChoiceVault implements SecretVault {
  private choice: WeakStorageChoice;
  private readonly memory = new Map<string, string>();
  /** Switches run one at a time and calls wait for the one under way (the first: the inner vault's readiness). */
  private switching: Promise<void>;

  constructor(
    private readonly inner: SecretVault,
    choice: WeakStorageChoice = 'ask',
  ) {
    this.choice = choice;
    // Whether values stay in memory depends on the inner vault's security: decide nothing before it is known.
    this.switching = Promise.resolve(inner.whenReady?.()).catch(() => undefined);
  }

  /** Values are kept in memory only (the choice is `memory` and the inner vault is not secure). */
  get inMemory(): boolean {
    return this.choice === 'memory' && !this.inner.security.secure;
  }

  get currentChoice(): WeakStorageChoice {
    return this.choice;
  }

  get security(): VaultSecurity {
    const s = this.inner.security;
    if (s.secure || this.choice !== 'memory') return s;
    return {
      secure: false,
      backend: `memory only (${s.backend} not used)`,
      warning: 'Sign-in tokens are kept in memory only, because this computer has no secure storage: you sign in again after every start.',
    };
  }

  /**
   * Applies a choice. To `memory`: persisted values move into memory and are deleted from the
   * inner vault. From `memory` to `store`/`ask`: the values held in memory are persisted.
   */
  setChoice(choice: WeakStorageChoice): Promise<void> {
    const run = this.switching.then(async () => {
      this.choice = choice;
      if (this.inMemory) {
        for (const key of await this.inner.keys('')) {
          if (typedByUser(key)) continue;
          const value = await this.inner.get(key);
          if (value !== undefined && !this.memory.has(key)) this.memory.set(key, value);
          await this.inner.delete(key);
        }
      } else if (this.memory.size) {
        for (const [key, value] of this.memory) await this.inner.set(key, value);
        this.memory.clear();
      }
    });
    this.switching = run.catch(() => undefined);
    return run;
  }

  /** Held in memory now (the memory choice on weak storage), rather than in the inner vault. */
  private heldInMemory(key: string): boolean {
    return this.inMemory && !typedByUser(key);
  }

  async get(key: string): Promise<string | undefined> {
    await this.switching;
    if (this.heldInMemory(key)) return this.memory.get(key);
    return this.inner.get(key);
  }

  async set(key: string, value: string): Promise<void> {
    await this.switching;
    if (typeof value !== 'string') throw new TypeError('Vault values must be strings.');
    if (this.heldInMemory(key)) {
      this.memory.set(key, value);
      return;
    }
    await this.inner.set(key, value);
  }

  async delete(key: string): Promise<void> {
    await this.switching;
    this.memory.delete(key);
    if (!this.heldInMemory(key)) await this.inner.delete(key);
  }

  async keys(prefix: string): Promise<string[]> {
    await this.switching;
    if (!this.inMemory) return this.inner.keys(prefix);
    const typed = (await this.inner.keys(prefix)).filter(typedByUser);
    return [...this.memory.keys()].filter((k) => k.startsWith(prefix)).concat(typed);
  }
}

/** A vault that follows the weak-storage setting (AppCore applies the setting to it). */
export function isChoiceVault(v: SecretVault | undefined): v is ChoiceVault {
  return v instanceof ChoiceVault;
}
