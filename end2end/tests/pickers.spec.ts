import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, expectAccessible, goto, hasJs, logIn, signUp, uniqueEmail } from './helpers';

// Lists are filtered by a field of activity chosen by words, never by typing a CPV code: the
// words give choices (live with JavaScript, by the form's own button without it), each with its
// label and its code.
test('the catalogue is filtered by a field of activity found by the word "menuiserie"', async ({ page }, info) => {
  const js = hasJs(info);
  await goto(page, '/catalogue');
  await page.locator('details.filters__more summary').click();
  const filter = page.locator('#c-cpv');
  await filter.getByLabel('Chercher par mots (métier, produit, prestation)').fill('menuiserie');
  if (!js) await page.getByRole('button', { name: 'Rechercher' }).click();
  await expect(filter.getByLabel('Travaux de menuiserie et de charpenterie 4542', { exact: true })).toBeVisible();
  if (js) await expectAccessible(page);
  await filter.getByLabel('Travaux de menuiserie 45421', { exact: true }).check();
  await page.getByRole('button', { name: 'Rechercher' }).click();
  await expect(page).toHaveURL(/cpv=45421(&|$)/);
  const rows = page.locator('[data-test="offer-row"]');
  await expect(rows.filter({ hasText: 'Remplacement de fenêtres dans les bâtiments publics' }).first()).toBeVisible();
  await expect(rows.filter({ hasText: /\bpain\b/i })).toHaveCount(0);
  // The filter is shown by its label, and can be lifted.
  await expect(filter.getByLabel('Travaux de menuiserie 45421', { exact: true })).toBeChecked();
  await filter.getByLabel('Tous les codes (retirer ce filtre)').check();
  await page.getByRole('button', { name: 'Rechercher' }).click();
  await expect(page).not.toHaveURL(/cpv=4/);
  if (js) await expectAccessible(page);
});

test('words that match no code say so', async ({ page }, info) => {
  await goto(page, '/programmation?cpv_q=zzzqqq');
  await expect(page.locator('#p-cpv')).toContainText('Aucun code ne contient ces mots');
  if (hasJs(info)) await expectAccessible(page);
});

// A firm says where it is and what it does by words: "Lyon 3", "boulangerie". With JavaScript
// the fields suggest (a combobox: arrows and Enter, or a tap); without it the server reads the
// words back, and when they designate several its message lists them to write one of.
test('a firm gives its commune and its activity by words, never by an INSEE or NAF code', async ({ page }, info) => {
  const js = hasJs(info);
  await signUp(page, 'Bérénice Boulangère (fictive)', uniqueEmail(info, 'boulangere'));
  await goto(page, '/compte/organisations/nouvelle');
  await page.getByLabel("Type d'organisation").selectOption({ label: 'Entreprise' });
  await page.getByLabel('SIRET').fill(js ? '120 027 016 00126' : '120 027 016 00134');
  await page.getByLabel('Nom *').fill(`Fournil des Pentes ${js ? 'A' : 'B'} (fictif)`);
  const commune = page.getByRole(js ? 'combobox' : 'textbox', { name: 'Commune', exact: true });
  const activity = page.getByRole(js ? 'combobox' : 'textbox', { name: 'Activité principale (NAF/APE)' });
  if (js) {
    await commune.fill('lyon 3');
    const options = page.getByRole('listbox', { name: 'Suggestions' }).getByRole('option');
    await expect(options.first()).toHaveText('Lyon 3e Arrondissement 69003 · Métropole de Lyon');
    await expectAccessible(page);
    // By the keyboard alone: down to the first suggestion, Enter chooses it (not the form).
    await commune.press('ArrowDown');
    await expect(options.first()).toHaveAttribute('aria-selected', 'true');
    await commune.press('Enter');
    await expect(commune).toHaveValue('Lyon 3e Arrondissement (69383)');
    await expect(page.getByRole('listbox')).toHaveCount(0);
    // By a tap: the activity among those the word suggests, its code beside its label.
    await activity.fill('boulangerie');
    await page.getByRole('option', { name: /^Boulangerie et boulangerie-pâtisserie 10\.71C$/ }).click();
    await expect(activity).toHaveValue('Boulangerie et boulangerie-pâtisserie (10.71C)');
  } else {
    await commune.fill('Saint-Priest');
    await activity.fill('boulangerie');
    await page.getByRole('button', { name: "Créer l'organisation" }).click();
    // Several communes bear the name, several activities hold the word: each message lists them.
    await expect(page.locator('#f-commune-error')).toContainText('Saint-Priest (69290)');
    await expect(page.locator('#f-naf_code-error')).toContainText('Boulangerie et boulangerie-pâtisserie (10.71C)');
    await page.getByLabel("Type d'organisation").selectOption({ label: 'Entreprise' });
    await page.getByLabel('SIRET').fill('120 027 016 00134');
    await page.getByLabel('Nom *').fill('Fournil des Pentes B (fictif)');
    await commune.fill('Saint-Priest (69290)');
    await activity.fill('Boulangerie et boulangerie-pâtisserie (10.71C)');
  }
  await page.getByRole('button', { name: "Créer l'organisation" }).click();
  await expect(page.getByRole('status')).toHaveText('Organisation créée.');
  // Its edit form shows both by their names, the code beside.
  await page.locator('[data-test="my-org"]').getByRole('link', { name: 'Modifier' }).first().click();
  await expect(page.getByLabel('Commune', { exact: true })).toHaveValue(js ? 'Lyon 3e Arrondissement (69383)' : 'Saint-Priest (69290)');
  await expect(page.getByLabel('Activité principale (NAF/APE)')).toHaveValue('Boulangerie et boulangerie-pâtisserie (10.71C)');
});

// A planned date is a quarter, a month or a day. The field is text (it works without
// JavaScript); with JavaScript, buttons for the coming quarters and the browser's month and day
// pickers fill it in its own words.
test('a buyer plans a publication by choosing a quarter, a month or a day', async ({ page }, info) => {
  const js = hasJs(info);
  await logIn(page, 'acheteuse@demo.passerelle.example', DEMO_PASSWORD);
  await page.locator('[data-test="my-org"]').getByRole('link', { name: 'Programmation' }).click();
  const publication = page.getByRole('textbox', { name: 'Publication prévue *' });
  const choices = page.getByRole('group', { name: 'Choisir : Publication prévue' });
  if (!js) {
    await expect(choices).toHaveCount(0);
    await publication.fill('mai 2027');
  } else {
    const quarters = choices.getByRole('button');
    await expect(quarters).toHaveCount(6);
    const second = quarters.nth(1);
    const quarter = (await second.textContent())!;
    expect(quarter).toMatch(/^T[1-4] 20\d\d$/);
    await second.click();
    await expect(publication).toHaveValue(quarter);
    await expect(second).toHaveAttribute('aria-pressed', 'true');
    await choices.getByLabel('ou un jour :').fill('2027-03-15');
    await expect(publication).toHaveValue('15/03/2027');
    await expect(second).toHaveAttribute('aria-pressed', 'false');
    await choices.getByLabel('ou un mois :').fill('2027-05');
    await expect(publication).toHaveValue('mai 2027');
    // Typed by hand, the month picker follows.
    await publication.fill('06/2027');
    await expect(choices.getByLabel('ou un mois :')).toHaveValue('2027-06');
    await publication.fill('mai 2027');
    await expectAccessible(page);
  }
  const title = `Fournitures de bureau ${js ? 'A' : 'B'} (planifié par les choix)`;
  await page.getByLabel("Objet de l'achat *").fill(title);
  await page.getByLabel('Procédure envisagée *').selectOption({ label: 'Procédure adaptée (MAPA)' });
  await page.getByRole('button', { name: "Publier l'achat prévu" }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.getByRole('textbox', { name: 'Publication prévue *' })).toHaveValue('mai 2027');
});
