import { expect, Page, test } from '@playwright/test';
import { DEMO_PASSWORD, hasJs, ready } from './helpers';

/** Presses Tab until the focused element matches the CSS `selector` (and has the `text`, when
 * given) — at most 150 times, as a person without a mouse moves through the page. */
async function tabTo(page: Page, selector: string, text?: string) {
  for (let i = 0; i < 150; i++) {
    await page.keyboard.press('Tab');
    const reached = await page.evaluate(
      ([s, t]) => {
        const el = document.activeElement;
        return !!el && el.matches(s as string) && (!t || el.textContent?.trim() === t);
      },
      [selector, text ?? ''],
    );
    if (reached) return;
  }
  throw new Error(`Tab never reached ${selector} ${text ?? ''}`);
}

// A journey done with the keyboard alone: a joiner signs in, drafts an offer, chooses two CPV
// codes by words ("menuiserie", "pose de portes") and publishes it. Every control is reached by Tab and
// used with Enter, the arrow keys or typing.
test('a joiner publishes an offer with two CPV codes chosen by words, keyboard only', async ({ page }, info) => {
  const js = hasJs(info);
  const title = `Escaliers sur mesure ${js ? 'chêne' : 'frêne'}`;
  await page.goto('/connexion');
  await ready(page);
  await tabTo(page, 'input[name="email"]');
  await page.keyboard.type('menuisier@demo.passerelle.example');
  await tabTo(page, 'input[name="password"]');
  await page.keyboard.type(DEMO_PASSWORD);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/($|\?|compte)/);
  await page.goto('/compte');
  await ready(page);
  await tabTo(page, '[data-test="my-org"] a[href$="/offres"]');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Offres');
  await ready(page);

  // The draft: title typed, kind chosen with the arrow keys, created with Enter.
  await tabTo(page, 'input[name="title"]');
  await page.keyboard.type(title);
  await tabTo(page, 'select[name="kind"]');
  await page.keyboard.press('ArrowDown');
  await tabTo(page, 'form button[type="submit"]', 'Créer le brouillon');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await ready(page);

  // Two codes, each found by words and ticked with the space bar; then saved with Enter. With
  // JavaScript the matches follow the typing; without it Enter in the field asks for them.
  for (const [words, code] of [['menuiserie', '45421000'], ['pose de portes', '45421100']]) {
    await tabTo(page, '#offer-cpv-q');
    await page.keyboard.press('Control+A');
    // With JavaScript each key asks again: the list is read once the answer to the last words
    // came (a person waits for the list to stop changing before tabbing into it; an earlier
    // list replaced under the focus would swallow the space bar).
    const settled = js
      ? page.waitForResponse((r) => r.url().includes('/api/cpv/find') && new URL(r.url()).searchParams.get('q') === words)
      : null;
    await page.keyboard.type(words);
    if (!js) await page.keyboard.press('Enter');
    if (settled) await settled;
    const box = `[data-test="cpv-found"] input[value="${code}"]`;
    await expect(page.locator(box)).toBeVisible();
    await ready(page);
    await tabTo(page, box);
    await page.keyboard.press('Space');
    await expect(page.locator(`#offer-cpv input[value="${code}"]:checked`)).toHaveCount(1);
  }
  await tabTo(page, 'button', 'Enregistrer les codes');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status')).toContainText('Codes CPV mis à jour');
  await expect(page.locator('#offer-cpv .cpv-picker__chosen')).toContainText('45421000');
  await expect(page.locator('#offer-cpv .cpv-picker__chosen')).toContainText('45421100');
  await ready(page);
  await tabTo(page, 'button', 'Publier');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status')).toContainText('Offre publiée');
});
