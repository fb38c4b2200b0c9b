import { expect, test } from '@playwright/test';
import { chooseCpv, createOrganisation, expectAccessible, goto, hasJs, ready, signUp, uniqueEmail } from './helpers';

/** A 4×4 PNG. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEUlEQVR4nGM4MS0KjhiI4wAA0jIbgV6DX0IAAAAASUVORK5CYII=';

test('a business publishes an offer and a buyer finds it by a French word and a facet', async ({ page }, info) => {
  const js = hasJs(info);
  // Words of their own per project: both projects share one database.
  const word = js ? 'Arbousier' : 'Amandier';
  await signUp(page, 'Lucie Boulangère (fictive)', uniqueEmail(info, 'offre'));
  await createOrganisation(page, {
    kind: 'Entreprise',
    siret: js ? '120 027 016 00076' : '120 027 016 00084',
    name: `Fournil ${word} (fictif)`,
    commune: 'Villeurbanne',
  });
  await expect(page.getByRole('status')).toHaveText('Organisation créée.');

  // A draft, from the organisation's offers.
  await page.locator('[data-test="my-org"]').getByRole('link', { name: 'Offres (catalogue)' }).click();
  await expect(page.getByText('Aucune offre pour l')).toBeVisible();
  const title = `Pains au levain ${word}`;
  await page.getByLabel('Titre *').fill(title);
  await page.getByLabel("Type d'offre *").selectOption({ label: 'Fournitures' });
  await page.getByRole('button', { name: 'Créer le brouillon' }).click();
  await expect(page.getByRole('status')).toContainText('Brouillon créé');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  if (js) await expectAccessible(page);

  // A bad value is explained; then the facts and labels.
  const intermediaries = page.getByLabel("Nombre d'intermédiaires");
  const intermediariesError = page.locator('#f-intermediaries-error');
  await intermediaries.fill('trois');
  await intermediaries.press('Tab');
  // With JavaScript the field is checked once left, by the server's rules and words; without
  // it, when the form is sent.
  await expect(intermediariesError).toHaveCount(js ? 1 : 0);
  await page.getByRole('button', { name: "Enregistrer l'offre" }).click();
  await expect(intermediaries).toHaveAttribute('aria-invalid', 'true');
  await expect(intermediariesError).toHaveText('Saisissez un nombre (exemple : 12,50).');
  await intermediaries.fill('0');
  // Mended: with JavaScript the message goes as the person types.
  await expect(intermediariesError).toHaveCount(js ? 0 : 1);
  await page.getByLabel('Description', { exact: true }).fill('Miches et baguettes **bio**, livrées chaque matin.');
  // Departments by their names: chosen among suggestions with JavaScript, typed without it.
  const departments = page.getByRole(js ? 'combobox' : 'textbox', { name: 'Départements desservis' });
  if (js) {
    await departments.fill('rhô');
    await page.getByRole('option', { name: 'Rhône 69', exact: true }).click();
    await expect(departments).toHaveValue('Rhône (69), ');
    await departments.pressSequentially('isè');
    await page.getByRole('option', { name: 'Isère 38', exact: true }).click();
  } else {
    await departments.fill('Rhône, isere');
  }
  await page.getByLabel('Agriculture biologique (AB)').check();
  await page.getByRole('button', { name: "Enregistrer l'offre" }).click();
  await expect(page.getByRole('status')).toHaveText('Enregistré.');

  // Publishing needs a CPV code: chosen by a word in the picker, then saved.
  await page.getByRole('button', { name: 'Publier' }).click();
  await expect(page.getByRole('alert')).toContainText('Ajoutez au moins un code CPV');
  await chooseCpv(page, 'offer-cpv', 'pain', 'Pain 15811100');
  if (js) await expect(page.getByText('Codes modifiés, pas encore enregistrés')).toBeVisible();
  if (js) await expectAccessible(page);
  await page.getByRole('button', { name: 'Enregistrer les codes' }).click();
  await expect(page.getByRole('status')).toHaveText('Codes CPV mis à jour.');
  await expect(page.locator('#offer-cpv .cpv-picker__chosen')).toContainText('Pain 15811100');
  await expect(page.getByText('Codes modifiés, pas encore enregistrés')).toBeHidden();
  await page.getByRole('button', { name: 'Publier' }).click();
  await expect(page.getByRole('status')).toHaveText('Offre publiée.');

  // A photo, with what it shows; the server re-encodes it.
  await page.getByLabel('Photo', { exact: true }).setInputFiles({ name: 'miche.png', mimeType: 'image/png', buffer: Buffer.from(PNG, 'base64') });
  await page.getByLabel('Ce que montre la photo').fill('Une miche de pain au levain');
  await page.getByRole('button', { name: 'Ajouter la photo' }).click();
  await expect(page.getByRole('status')).toHaveText('Photo ajoutée.');
  await expect(page.locator('[data-test="offer-photos"] img')).toHaveAttribute('alt', 'Une miche de pain au levain');
  await page.getByRole('link', { name: "Voir l'offre au catalogue" }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.locator('[data-test="offer-badges"]')).toContainText('Agriculture biologique (AB)');
  await expect(page.locator('[data-test="offer-badges"]')).toContainText('Circuit court');
  await expect(page.locator('[data-test="offer-description"] strong')).toHaveText('bio');
  await expect(page.getByText('Rhône (69)')).toBeVisible();
  await expect(page.getByText('Isère (38)')).toBeVisible();
  await expect(page.getByRole('img', { name: 'Une miche de pain au levain' })).toBeVisible();
  if (js) await expectAccessible(page);

  // A buyer searches the catalogue: plural and accents do not matter; a facet narrows.
  await expect(async () => {
    await goto(page, '/catalogue');
    await page.getByLabel('Rechercher une offre').fill(`levain ${word.toLowerCase()}`);
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await expect(page.locator('[data-test="offer-row"]')).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await page.locator('[data-test="facets"]').getByRole('link', { name: /Agriculture biologique/ }).click();
  await expect(page).toHaveURL(/label=ab/);
  await expect(page.locator('[data-test="offer-row"]')).toHaveCount(1);
  await expect(page.locator('[data-test="offer-row"]').getByRole('link', { name: title })).toBeVisible();
  if (js) await expectAccessible(page);
});

// A deletion cannot be undone: it is asked twice. With JavaScript a modal dialog says what is
// lost, Cancel is focused first and Escape keeps everything; without it, a box to tick.
test('deleting an offer asks first: a dialog with JavaScript, a box to tick without it', async ({ page }, info) => {
  const js = hasJs(info);
  await signUp(page, 'Denis Débarras (fictif)', uniqueEmail(info, 'suppression'));
  await createOrganisation(page, {
    kind: 'Entreprise',
    siret: js ? '120 027 016 00142' : '120 027 016 00159',
    name: `Atelier Éphémère ${js ? 'A' : 'B'} (fictif)`,
  });
  await expect(page.getByRole('status')).toHaveText('Organisation créée.');
  await page.locator('[data-test="my-org"]').getByRole('link', { name: 'Offres (catalogue)' }).click();
  const title = `Offre à supprimer ${js ? 'A' : 'B'}`;
  await page.getByLabel('Titre *').fill(title);
  await page.getByLabel("Type d'offre *").selectOption({ label: 'Services' });
  await page.getByRole('button', { name: 'Créer le brouillon' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  const remove = page.getByRole('button', { name: 'Supprimer définitivement' });
  if (js) {
    await expect(page.getByLabel('Je confirme vouloir supprimer définitivement cette offre')).toHaveCount(0);
    await remove.click();
    const dialog = page.getByRole('dialog', { name: 'Supprimer définitivement cette offre ?' });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('La suppression est définitive');
    await expect(dialog.getByRole('button', { name: 'Annuler' })).toBeFocused();
    await expectAccessible(page);
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(remove).toBeFocused();
    await remove.click();
    await dialog.getByRole('button', { name: 'Annuler' }).click();
    await expect(dialog).toBeHidden();
    await page.reload();
    await ready(page);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
    await remove.click();
    await dialog.getByRole('button', { name: 'Supprimer définitivement' }).click();
  } else {
    await remove.click();
    await expect(page.getByText('Cochez la case pour confirmer la suppression.')).toBeVisible();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
    await page.getByLabel('Je confirme vouloir supprimer définitivement cette offre').check();
    await remove.click();
  }
  await expect(page.getByRole('status')).toHaveText('Offre supprimée.');
  await expect(page.getByText(title)).toHaveCount(0);
});
