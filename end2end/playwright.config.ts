// End-to-end tests in Debian's Chromium (never a downloaded browser), against the real
// `passerelle` binary on a fresh SQLite database, with a real SMTP server (mail-sink.mjs).
// Every spec runs twice: with JavaScript (hydrated) and without (server-rendered forms).
import { defineConfig } from '@playwright/test';

const PORT = 3100;
const SMTP_PORT = 2525;
export const MAIL_URL = 'http://127.0.0.1:2580/messages';

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    locale: 'fr-FR',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  projects: [
    // The demo administrator signs in once (password and TOTP code) for the tests that need it.
    { name: 'setup', testMatch: /admin\.setup\.ts/ },
    { name: 'js', use: { javaScriptEnabled: true }, dependencies: ['setup'] },
    { name: 'nojs', use: { javaScriptEnabled: false }, dependencies: ['setup'] },
  ],
  webServer: [
    {
      command: `node mail-sink.mjs ${SMTP_PORT} 2580`,
      url: MAIL_URL,
      reuseExistingServer: false,
    },
    {
      // A fresh database for every run: seeded with the demo territory.
      command:
        'rm -rf ../target/e2e && mkdir -p ../target/e2e && cd .. && ./target/passerelle serve --demo',
      url: `http://127.0.0.1:${PORT}/`,
      timeout: 120_000,
      reuseExistingServer: false,
      env: {
        DATABASE_URL: 'sqlite://target/e2e/e2e.db?mode=rwc',
        // Plain HTTP on 127.0.0.1 and the demo's public password: development, asked for.
        PASSERELLE_ENV: 'development',
        PASSERELLE_ADDR: `127.0.0.1:${PORT}`,
        PASSERELLE_SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`,
        PASSERELLE_PUBLIC_URL: `http://127.0.0.1:${PORT}`,
        RUST_LOG: 'warn',
      },
    },
  ],
});
