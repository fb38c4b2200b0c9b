import { expect, test } from '@playwright/test';
import { chooseCpv, createOrganisation, expectAccessible, goto, hasJs, signUp, uniqueEmail } from './helpers';

// Issue 23: a farm says the months it has a product, where and when it delivers, and its signs
// of quality; buyers find it by month, by commune delivered and by what it counts for under
// EGalim, and read its season on the offer and on the farm's profile.

const PER_PROJECT: Record<string, { word: string; siret: string }> = {
  js: { word: 'Sablonneuses', siret: '120 027 016 00118' },
  nojs: { word: 'Nantaises', siret: '120 027 016 00167' },
  phone: { word: 'Primeures', siret: '120 027 016 00175' },
};

test('a farm gives its carrots a season, a delivery area and the organic sign; buyers find them by month, commune and EGalim', async ({ page }, info) => {
  const js = hasJs(info);
  // Words and SIRET of their own per project: the projects share one database.
  const { word, siret } = PER_PROJECT[info.project.name] ?? PER_PROJECT.js;
  await signUp(page, 'Nadia Maraîchère (fictive)', uniqueEmail(info, 'ferme'));
  await createOrganisation(page, { kind: 'Entreprise', siret, name: `Jardins ${word} (fictifs)`, commune: 'Villeurbanne' });
  await expect(page.getByRole('status')).toHaveText('Organisation créée.');
  await page.locator('[data-test="my-org"]').getByRole('link', { name: 'Offres (catalogue)' }).click();
  const title = `Carottes ${word}`;
  await page.getByLabel('Titre *').fill(title);
  await page.getByLabel("Type d'offre *").selectOption({ label: 'Fournitures' });
  await page.getByRole('button', { name: 'Créer le brouillon' }).click();
  await expect(page.getByRole('status')).toContainText('Brouillon créé');

  // The food part comes with a food product's code.
  const food = page.locator('[data-test="food-fields"]');
  await expect(food).toHaveCount(0);
  await chooseCpv(page, 'offer-cpv', 'carottes', 'Carottes 03221112');
  await page.getByRole('button', { name: 'Enregistrer les codes' }).click();
  await expect(page.getByRole('status')).toHaveText('Codes CPV mis à jour.');
  await expect(food).toBeVisible();
  // Every month ticked until the farm says otherwise; alerts on by default.
  await expect(food.getByLabel('Mars', { exact: true })).toBeChecked();
  await expect(food.getByLabel('Recevoir par e-mail les demandes de devis pour ce produit')).toBeChecked();
  if (js) await expectAccessible(page);

  // Carrots from September to April, by the kilo, delivered on Tuesdays, organic.
  for (const month of ['Mai', 'Juin', 'Juillet', 'Août']) await food.getByLabel(month, { exact: true }).uncheck();
  await food.getByLabel('Unité de vente').selectOption({ label: 'kg' });
  await food.getByLabel('Mardi', { exact: true }).check();
  await food.getByLabel(/^Agriculture biologique \(AB\)/).check();
  await page.getByRole(js ? 'combobox' : 'textbox', { name: 'Communes desservies' }).fill('Vaulx-en-Velin');
  await page.getByLabel('Prix indicatif (€ HT)').fill('1,20');
  await page.getByRole('button', { name: "Enregistrer l'offre" }).click();
  await expect(page.getByRole('status')).toHaveText('Enregistré.');
  await expect(food.getByLabel('Juin', { exact: true })).not.toBeChecked();
  await expect(food.getByLabel('Mardi', { exact: true })).toBeChecked();

  // No month at all is refused, in words, and changes nothing.
  for (const month of ['Janvier', 'Février', 'Mars', 'Avril', 'Septembre', 'Octobre', 'Novembre', 'Décembre']) {
    await food.getByLabel(month, { exact: true }).uncheck();
  }
  await page.getByRole('button', { name: "Enregistrer l'offre" }).click();
  await expect(page.locator('#f-months-error')).toContainText('Cochez au moins un mois');
  await goto(page, new URL(page.url()).pathname);
  await expect(food.getByLabel('Mars', { exact: true })).toBeChecked();

  await page.getByRole('button', { name: 'Publier' }).click();
  await expect(page.getByRole('status')).toHaveText('Offre publiée.');

  // Its page: the season in words and as a calendar, the unit of the price, EGalim.
  await page.getByRole('link', { name: "Voir l'offre au catalogue" }).click();
  const facts = page.locator('[data-test="offer-food"]');
  await expect(facts).toContainText('Disponible de septembre à avril');
  await expect(facts).toContainText('mardi');
  await expect(facts).toContainText('Compte comme produit biologique');
  await expect(page.getByText('1,20 € / kg')).toBeVisible();
  if (js) await expectAccessible(page);

  // The farm's profile: its seasonal calendar.
  await page.locator('main').getByRole('link', { name: `Jardins ${word} (fictifs)` }).first().click();
  await expect(page.locator('[data-test="org-seasons"]')).toContainText('de septembre à avril');
  if (js) await expectAccessible(page);

  // The catalogue: in March, delivered to Vaulx-en-Velin, organic: found; in June: not. The
  // search index takes the published offer just after its commit (the outbox): the page is
  // asked again until it is there, as offers.spec does (a single load raced it once in CI).
  await expect(async () => {
    await goto(page, `/catalogue?q=${word}&mois=3&livre_a=69256&egalim=bio`);
    await expect(page.locator('[data-test="offer-row"]')).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(page.locator('[data-test="offer-row"]')).toContainText(title);
  await goto(page, `/catalogue?q=${word}&mois=6`);
  await expect(page.locator('[data-test="offer-row"]')).toHaveCount(0);
  // By the criteria, as a buyer chooses them: a month by its name, a commune by its name.
  await goto(page, `/catalogue?q=${word}`);
  const filters = page.locator('form.filters');
  await filters.locator('summary').click();
  await filters.getByLabel('Disponible en').selectOption({ label: 'juillet' });
  await filters.getByRole('button', { name: 'Rechercher' }).click();
  await expect(page.locator('[data-test="offer-row"]')).toHaveCount(0);
  await goto(page, `/catalogue?q=${word}`);
  await page.locator('form.filters summary').click();
  await page.locator('form.filters').getByLabel('Livré à').selectOption({ label: 'Vaulx-en-Velin' });
  await page.locator('form.filters').getByRole('button', { name: 'Rechercher' }).click();
  await expect(page.locator('[data-test="offer-row"]')).toHaveCount(1);
  // The facets count it under EGalim.
  await expect(page.locator('[data-test="facets"]').getByRole('link', { name: /Biologique/ })).toBeVisible();
  if (js) await expectAccessible(page);
});
