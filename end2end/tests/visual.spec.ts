import { Browser, expect, test } from '@playwright/test';
import { PNG } from 'pngjs';
import pixelmatch from 'pixelmatch';
import { DEMO_PASSWORD, logIn } from './helpers';

// A page looks the same with JavaScript off and once hydrated: thaw's CSS and theme come with
// the stylesheet, nothing jumps into place later. Both screenshots are taken here, in contexts
// of each kind, so the test runs once (in the js project).

async function screenshot(browser: Browser, js: boolean, path: string, storageState?: any) {
  const context = await browser.newContext({
    javaScriptEnabled: js,
    viewport: { width: 1280, height: 900 },
    locale: 'fr-FR',
    storageState,
  });
  const page = await context.newPage();
  await page.goto(path);
  if (js) await page.waitForFunction(() => (window as any).__passerelle_hydrated === true);
  // By design, a destructive action's box to tick (without JavaScript) is a dialog once
  // hydrated: left out of the picture (a screenshot's own style would not change its size).
  await page.evaluate(() => document.querySelectorAll<HTMLElement>('.confirm__box').forEach((e) => (e.style.display = 'none')));
  const png = PNG.sync.read(await page.screenshot({ fullPage: true, animations: 'disabled', caret: 'hide' }));
  await context.close();
  return png;
}

async function expectSameLook(browser: Browser, path: string, storageState?: any) {
  const off = await screenshot(browser, false, path, storageState);
  const on = await screenshot(browser, true, path, storageState);
  expect({ width: on.width, height: on.height }, `size of ${path}`).toEqual({ width: off.width, height: off.height });
  const differing = pixelmatch(off.data, on.data, null, off.width, off.height, { threshold: 0.1 });
  // Antialiasing aside, at most 0.5 % of the pixels may differ.
  expect(differing / (off.width * off.height), `share of differing pixels on ${path}`).toBeLessThan(0.005);
}

test('the catalogue and the offer form look the same with and without JavaScript', async ({ browser, page }, info) => {
  test.skip(info.project.name !== 'js', 'one comparison of both modes is enough');
  await expectSameLook(browser, '/catalogue');
  await expectSameLook(browser, '/catalogue?cpv_q=menuiserie');
  // The offer form of a joinery, signed in.
  await logIn(page, 'menuisier@demo.passerelle.example', DEMO_PASSWORD);
  await page.goto('/compte');
  await page.locator('[data-test="my-org"]').getByRole('link', { name: 'Offres (catalogue)' }).click();
  await page.locator('main a[href^="/compte/offres/"]').first().click();
  await expect(page).toHaveURL(/\/compte\/offres\/\d+/);
  const editor = new URL(page.url()).pathname + '?cpv_q=menuiserie';
  await expectSameLook(browser, editor, await page.context().storageState());
});
