// End-to-end tests in Debian's Chromium (never a downloaded browser), against the real
// `passerelle` binary on a fresh SQLite database, with a real SMTP server (mail-sink.mjs).
// Every spec runs three times: with JavaScript (hydrated), without (server-rendered forms), and
// on a phone (390 × 844, touch, JavaScript). The phone project has its own server and database,
// reached as `localhost` so that the cookies of the two servers never mix: it runs the very
// journeys of the js project, with the same data, without colliding with them.
import { defineConfig } from '@playwright/test';

const PORT = 3100;
const PHONE_PORT = 3200;
/**
 * Which part runs: `desktop` (js and nojs, one server), `phone` (its own server), or both when
 * unset. `.ci/e2e.sh` runs the two parts side by side, one process each, on the machine's two
 * cores; they share nothing (server, database, mail sink, output), so neither can see the other.
 */
const PART = process.env.E2E_PART ?? 'all';
if (!['all', 'desktop', 'phone'].includes(PART)) throw new Error(`E2E_PART: ${PART} is not all, desktop or phone`);
const SMTP_PORT = PART === 'phone' ? 2526 : 2525;
const MAIL_PORT = PART === 'phone' ? 2581 : 2580;
export const MAIL_URL = `http://127.0.0.1:${MAIL_PORT}/messages`;

/** A `passerelle serve --demo` on a fresh database of its own, in `target/<dir>`. */
function server(port: number, dir: string, publicHost: string) {
  return {
    command: `rm -rf ../target/${dir} && mkdir -p ../target/${dir} && cd .. && ./target/passerelle serve --demo`,
    url: `http://127.0.0.1:${port}/`,
    timeout: 180_000,
    reuseExistingServer: false,
    env: {
      DATABASE_URL: `sqlite://target/${dir}/e2e.db?mode=rwc`,
      // Plain HTTP on 127.0.0.1 and the demo's public password: development, asked for.
      PASSERELLE_ENV: 'development',
      PASSERELLE_ADDR: `127.0.0.1:${port}`,
      PASSERELLE_SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`,
      PASSERELLE_PUBLIC_URL: `http://${publicHost}:${port}`,
      // Each sign-in of the suite comes from its own address (helpers.ts, `logIn`).
      PASSERELLE_CLIENT_IP_HEADER: 'X-Forwarded-For',
      RUST_LOG: 'warn',
    },
  };
}

export default defineConfig({
  testDir: './tests',
  // A hang guard, not a speed test: the longest journeys (a consortium formed, every public
  // page through axe-core) take 40–55 s on a 2-core machine running both parts side by side.
  timeout: 120_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  // Each part its own: Playwright empties the folder when it starts.
  outputDir: `test-results/${PART}`,
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
    ...(PART === 'phone' ? [] : [
    { name: 'setup', testMatch: /admin\.setup\.ts/ },
    { name: 'js', use: { javaScriptEnabled: true }, dependencies: ['setup'] },
    { name: 'nojs', use: { javaScriptEnabled: false }, dependencies: ['setup'] },
    ]),
    ...(PART === 'desktop' ? [] : [
    { name: 'setup-phone', testMatch: /admin\.setup\.ts/, use: { baseURL: `http://localhost:${PHONE_PORT}` } },
    {
      name: 'phone',
      use: {
        baseURL: `http://localhost:${PHONE_PORT}`,
        javaScriptEnabled: true,
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 3,
        isMobile: true,
        hasTouch: true,
      },
      dependencies: ['setup-phone'],
    },
    ]),
  ],
  webServer: [
    {
      command: `node mail-sink.mjs ${SMTP_PORT} ${MAIL_PORT}`,
      url: MAIL_URL,
      reuseExistingServer: false,
    },
    ...(PART === 'phone' ? [] : [server(PORT, 'e2e', '127.0.0.1')]),
    ...(PART === 'desktop' ? [] : [server(PHONE_PORT, 'e2e-phone', 'localhost')]),
  ],
});
