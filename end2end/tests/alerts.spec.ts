import { expect, test } from '@playwright/test';
import { expectAccessible, goto, hasJs, signUp, uniqueEmail } from './helpers';

test('a search of the catalogue or the directory is saved with its alert', async ({ page }, info) => {
  const js = hasJs(info);
  await signUp(page, 'Alice Veille (fictive)', uniqueEmail(info, 'veille-catalogue'));
  for (const [path, name] of [
    ['/catalogue?q=pain', 'Pain près de chez nous'],
    ['/annuaire?q=menuiserie', 'Menuisiers du territoire'],
  ]) {
    await goto(page, path);
    await page.getByText('Créer une alerte pour cette recherche').click();
    await page.getByLabel("Nom de l'alerte *").fill(name);
    await page.getByLabel("Un courriel dans l'heure quand une nouveauté correspond").check();
    if (js) await expectAccessible(page);
    await page.getByRole('button', { name: "Créer l'alerte" }).click();
    await expect(page.getByRole('status')).toContainText('Alerte créée');
    const saved = page.locator('[data-test="saved-searches"]');
    await expect(saved.getByRole('link', { name })).toHaveAttribute('href', path);
  }
});
