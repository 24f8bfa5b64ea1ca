/**
 * The user's choice when secrets cannot be stored securely (Linux without a keyring: safeStorage's
 * `basic_text`, or the headless host's plain file). DESIGN.md: "a warning with a choice".
 *
 * - `ask` (not decided yet) and `store`: values go to the inner vault, as before.
 * - `memory`: while the inner vault is not secure, tokens and client secrets live only in this
 *   process; nothing is written, and whatever was persisted is moved into memory and deleted
 *   from disk when the choice is made (or found at start). The user signs in again after a restart.
 *
 * With a secure inner vault (a keyring appeared) the choice does not matter: values are persisted.
 * Security is read on every call, because the app learns it only once Electron is ready.
 */
import type { WeakStorageChoice } from '../../../common/contract';
import type { SecretVault, VaultSecurity } from './types';

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
      warning: 'Tokens are kept in memory only, because this system has no secure storage: sign in again after every start.',
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

  async get(key: string): Promise<string | undefined> {
    await this.switching;
    if (this.inMemory) return this.memory.get(key);
    return this.inner.get(key);
  }

  async set(key: string, value: string): Promise<void> {
    await this.switching;
    if (typeof value !== 'string') throw new TypeError('Vault values must be strings.');
    if (this.inMemory) {
      this.memory.set(key, value);
      return;
    }
    await this.inner.set(key, value);
  }

  async delete(key: string): Promise<void> {
    await this.switching;
    this.memory.delete(key);
    if (!this.inMemory) await this.inner.delete(key);
  }

  async keys(prefix: string): Promise<string[]> {
    await this.switching;
    if (this.inMemory) return [...this.memory.keys()].filter((k) => k.startsWith(prefix));
    return this.inner.keys(prefix);
  }
}

/** A vault that follows the weak-storage setting (AppCore applies the setting to it). */
export function isChoiceVault(v: SecretVault | undefined): v is ChoiceVault {
  return v instanceof ChoiceVault;
}
