/**
 * Renderer build: Vite + React from renderer/ into out/renderer, relative asset URLs (the app loads
 * index.html from file://). The production build writes the CSP into index.html as a <meta>, and
 * copies the tray and window icons to out/assets for the main process.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { RENDERER_CSP } from '../main/electron/security-policy';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

function cspMeta(): Plugin {
  return {
    name: 'switchboard-csp-meta',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: RENDERER_CSP }, injectTo: 'head-prepend' }],
    },
  };
}

/** Main-process icons: assets/icon.png and assets/tray/*.png → out/assets/… */
function mainIcons(): Plugin {
  return {
    name: 'switchboard-main-icons',
    apply: 'build',
    writeBundle() {
      const files = ['icon.png', ...fs.readdirSync(path.join(root, 'assets/tray')).map((f) => `tray/${f}`)];
      for (const f of files.filter((f) => f.endsWith('.png'))) {
        const to = path.join(root, 'out/assets', f);
        fs.mkdirSync(path.dirname(to), { recursive: true });
        fs.copyFileSync(path.join(root, 'assets', f), to);
      }
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  plugins: [react(), cspMeta(), mainIcons()],
  build: {
    outDir: path.join(root, 'out/renderer'),
    emptyOutDir: true,
    target: 'chrome140',
    modulePreload: { polyfill: false },
    sourcemap: true,
    assetsInlineLimit: 0,
  },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
});
