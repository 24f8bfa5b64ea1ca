// electron-builder cannot package here (it downloads Electron), so the config is validated against
// the JSON schema shipped with the pinned electron-builder, plus the project's own invariants.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');
const require = createRequire(__filename);
// js-yaml ships with electron-builder (app-builder-lib depends on it).
const yaml = require('js-yaml') as { load(text: string): unknown };
const schema = JSON.parse(fs.readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;

type Config = Record<string, any>;
const config = yaml.load(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Config;

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(schema);

function errorsOf(cfg: unknown): string[] {
  return validate(cfg) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
}

function pngSize(file: string): [number, number] {
  const buf = fs.readFileSync(file);
  expect(buf.subarray(1, 4).toString('ascii')).toBe('PNG');
  return [buf.readUInt32BE(16), buf.readUInt32BE(20)];
}

describe('electron-builder.yml', () => {
  it('matches the electron-builder schema', () => {
    expect(errorsOf(config)).toEqual([]);
  });

  it('is refused when a key is misspelled, at the top level or nested', () => {
    const typo = structuredClone(config);
    typo.asarUnpak = typo.asarUnpack;
    delete typo.asarUnpack;
    expect(errorsOf(typo).join('\n')).toMatch(/must NOT have additional properties.*"additionalProperty":"asarUnpak"/);

    const nested = structuredClone(config);
    nested.nsis.perMachin = false;
    expect(errorsOf(nested).join('\n')).toMatch(/"additionalProperty":"perMachin"/);

    const wrongType = structuredClone(config);
    wrongType.npmRebuild = 'no';
    expect(errorsOf(wrongType).join('\n')).toMatch(/\/npmRebuild must be boolean/);
  });

  it('keeps the project invariants', () => {
    expect(config.appId).toBe('dev.mcpswitchboard.app');
    expect(config.productName).toBe('MCP Switchboard');
    expect(config.directories).toEqual({ output: 'dist', buildResources: 'assets' });
    expect(config.files.filter((f: string) => !f.startsWith('!'))).toEqual(['out/**', 'package.json']);
    // The command line and the headless host are not part of the app (about 4 MB it never loads).
    expect(config.files).toEqual(expect.arrayContaining(['!out/cli/**', '!out/headless/**']));
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['out/proxy/**', 'out/connector/**']));
    expect(config.npmRebuild).toBe(false);
    expect(config.protocols[0].schemes).toEqual(['mcp-switchboard']);
    expect(config.mac.extendInfo.LSUIElement).toBe(true);
    expect(config.mac.target).toEqual(['dmg', 'zip']);
    expect(config.linux).toMatchObject({ target: ['deb', 'AppImage'], category: 'Development' });
    expect(config.win.target).toBe('nsis');
    expect(config.nsis).toEqual({ oneClick: true, perMachine: false });
    // null = never publish. The string "never" would be taken as the name of a provider.
    expect(config.publish).toBeNull();
  });

  it('sets the Electron fuses: runAsNode on for the connector, the rest hardened (file:// privileges off)', () => {
    const fuseKeys = Object.keys((schema as { definitions: Record<string, { properties: object }> }).definitions.FuseOptionsV1!.properties);
    for (const key of Object.keys(config.electronFuses)) expect(fuseKeys).toContain(key);
    expect(config.electronFuses).toEqual({
      // Client configs and the supervisor start the app's binary with ELECTRON_RUN_AS_NODE=1.
      runAsNode: true,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      // Off: the renderer is served from app://renderer/ (renderer-scheme.ts), not file://.
      grantFileProtocolExtraPrivileges: false,
      // Apple Silicon kills a binary whose signature the flip broke: re-signed ad hoc at once
      // (@electron/fuses), then properly where a Developer ID is there.
      resetAdHocDarwinSignature: true,
    });
    // Not mac.identity "-", which would sign ad hoc even where a Developer ID is in the keychain,
    // and not null, which would skip signing.
    expect(config.mac.identity).toBeUndefined();
    // The comment that says why runAsNode stays on is part of the decision.
    expect(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')).toMatch(
      /ON, deliberately: client configs run[^\n]*\n[^\n]*ELECTRON_RUN_AS_NODE=1/,
    );

    const wrong = structuredClone(config);
    wrong.electronFuses.runAsNod = true;
    expect(errorsOf(wrong).join('\n')).toMatch(/"additionalProperty":"runAsNod"/);
  });

  it('has what the deb needs: a homepage and an author with an e-mail (FpmTarget.computeFpmMetaInfoOptions)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    // electron-builder takes the homepage from package.json (or a GitHub repository, which there is none of)
    // and the maintainer from linux.maintainer or the author: "Name <email>".
    expect(pkg.homepage).toMatch(/^https:\/\/\S+$/);
    expect(config.linux.maintainer ?? `${pkg.author?.name} <${pkg.author?.email}>`).toMatch(/^[^<>]+ <[^@\s<>]+@[^@\s<>]+\.[a-z]+>$/);
  });

  it('names the Windows executable without a space (client configs run it); the macOS bundle keeps the product name', () => {
    expect(config.win.executableName).toBe('mcp-switchboard');
    expect(config.executableName).toBeUndefined();
    expect(config.mac.executableName).toBeUndefined();
  });

  it('agrees with package.json and the build layout', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.main).toMatch(/^out\//);
    expect(pkg.productName).toBe(config.productName);
    const build = fs.readFileSync(path.join(root, 'scripts', 'build.mjs'), 'utf8');
    expect(build).toContain("out: 'out/proxy/index.js'");
    expect(build).toContain("out: 'out/connector/index.js'");
  });

  it('the connector bundle needs nothing but Node built-ins (an AppImage runs a copy of it from the data directory)', () => {
    // Built by the global setup (test/global-setup.ts).
    const bundle = fs.readFileSync(path.join(root, 'out', 'connector', 'index.js'), 'utf8');
    const required = [...bundle.matchAll(/require\("([^"]+)"\)/g)].map((r) => r[1]!);
    expect(required.length).toBeGreaterThan(0);
    expect(required.filter((r) => !r.startsWith('node:'))).toEqual([]);
  });

  it('has the icons electron-builder and the tray need', () => {
    expect(pngSize(path.join(root, 'assets', 'icon.png'))).toEqual([512, 512]);
    for (const [name, size] of [
      ['tray.png', 16],
      ['tray@2x.png', 32],
      ['trayTemplate.png', 16],
      ['trayTemplate@2x.png', 32],
    ] as const) {
      expect(pngSize(path.join(root, 'assets', 'tray', name))).toEqual([size, size]);
    }
  });
});
