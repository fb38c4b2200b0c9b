import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, expectAccessible, goto, hasJs, logIn } from './helpers';

// The demo territory seen as a newcomer would: the home page shows the community at work, and
// every figure and list on it leads to a list that is not empty. These read the demo's content
// (its names, never its counts: other specs add their own data to the same database).

test('a visitor tours the home page into every list, none empty', async ({ page }, info) => {
  const js = hasJs(info);
  await goto(page, '/');
  await expect(page.getByRole('heading', { name: 'Le territoire en chiffres' })).toBeVisible();
  const figures = page.locator('[data-test="figures"] li');
  await expect(figures).toHaveCount(5);
  for (const [label, list] of [
    ["entreprises dans l'annuaire", '[data-test="org-row"]'],
    ['offres au catalogue', '[data-test="offer-row"]'],
    ['achats publics prévus', '[data-test="plan-row"]'],
    ['marchés passés ouverts', '[data-test="contract-row"]'],
  ]) {
    const card = figures.filter({ hasText: label });
    // A figure is a number, never zero in the demo.
    await expect(card.locator('.figure__n')).toHaveText(/^[1-9][0-9]*$/);
    await card.getByRole('link').click();
    await expect(page.locator(list).first()).toBeVisible();
    await goto(page, '/');
  }
  await expect(figures.filter({ hasText: 'Rhône' }).locator('.figure__n')).toHaveText(/^[1-9][0-9]? %$/);

  // Each home list shows the demo's content and leads to its item.
  await expect(page.locator('[data-test="home-meetings"] li')).not.toHaveCount(0);
  await expect(page.locator('[data-test="home-plans"] li')).toHaveCount(5);
  await expect(page.locator('[data-test="home-offers"] li')).toHaveCount(5);
  if (js) await expectAccessible(page);
  await page.screenshot({ path: info.outputPath(`home-desktop-${info.project.name}.png`), fullPage: true });

  await page.locator('[data-test="home-meetings"] li a').first().click();
  await expect(page).toHaveURL(/\/sourcage\/reunions\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(/Rendez-vous|Réunion/);
  await goto(page, '/');
  await page.locator('[data-test="home-plans"] li a').first().click();
  await expect(page).toHaveURL(/\/programmation\/\d+$/);
  await goto(page, '/');
  await page.locator('[data-test="home-offers"] li a').first().click();
  await expect(page).toHaveURL(/\/catalogue\/\d+$/);

  // The community's other lists have content too.
  await goto(page, '/sourcage');
  await expect(page.locator('[data-test="open-calls"] li').first()).toBeVisible();
  await expect(page.locator('[data-test="summaries"] li').first()).toBeVisible();
  await goto(page, '/groupements');
  await expect(page.locator('[data-test="partner-request"]').first()).toBeVisible();
  await goto(page, '/labels');
  await expect(page.locator('[data-test="label-schemes"]')).toContainText('Fabriqué et employeur dans la Métropole');
  // A real buyer of the demo leads to its real past contracts.
  await goto(page, '/annuaire?q=Grandlyon');
  await page.getByRole('link', { name: 'Grandlyon Habitat' }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Grandlyon Habitat');
  await page.locator('[data-test="org-bought"]').click();
  await expect(page).toHaveURL(/\/acheteurs\/39989834500018$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('GRANDLYON HABITAT');
  await page.getByRole('link', { name: 'Voir la liste de ses marchés' }).click();
  await expect(page.locator('[data-test="contract-row"]').first()).toBeVisible();

  // The analytics have signal: a local share mostly known, competition declared, trades ranked.
  await goto(page, '/analyses');
  const local = (await page.locator('[data-test="local-summary"]').first().textContent()) ?? '';
  const unknown = Number(local.match(/inconnue pour ([0-9]+(?:,[0-9]+)?) %/)?.[1].replace(',', '.'));
  expect(unknown, local).toBeLessThan(50);
  await expect(page.locator('[data-test="competition-summary"]').first()).toContainText(/Sur [1-9][0-9]* marchés qui déclarent leurs offres/);
  await goto(page, '/analyses/tensions');
  await expect(page.locator('[data-test="shortage-summary"]')).toContainText('Le métier le plus tendu est');
});

test('the home page on a phone', async ({ browser }, info) => {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    javaScriptEnabled: hasJs(info),
    locale: 'fr-FR',
  });
  const page = await context.newPage();
  await goto(page, '/');
  await expect(page.locator('[data-test="figures"] li')).toHaveCount(5);
  // Nothing wider than the screen.
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  if (hasJs(info)) await expectAccessible(page);
  await page.screenshot({ path: info.outputPath(`home-phone-${info.project.name}.png`), fullPage: true });
  await context.close();
});

for (const [who, email, work] of [
  ['the buyer', 'acheteuse@demo.passerelle.example', ['réponse(s) à lire : Questionnaire aux entreprises', "signal(aux) d'intérêt récent(s)"]],
  ['the joiner', 'menuisier@demo.passerelle.example', ['Invitation à rejoindre le groupement « Groupement Écoles du 8e (fictif) »', 'Rencontre réservée : Rendez-vous individuels', /alerte « Demandes de partenaires : menuisier »/i]],
  ['the market gardener', 'maraichere@demo.passerelle.example', ['Une demande de label vous est renvoyée']],
  ['the analyst', 'analyste@demo.passerelle.example', ['3 demande(s) de label à instruire']],
  ['the admin', 'admin@demo.passerelle.example', ['organisation(s) à vérifier', 'Import des données essentielles terminé']],
] as const) {
  test(`${who} signs in and finds their waiting work`, async ({ page }, info) => {
    await logIn(page, email, DEMO_PASSWORD);
    // Right after signing in (the account page) and on the home page.
    for (const path of ['/compte', '/']) {
      if (path === '/') await goto(page, '/');
      const todos = page.locator('[data-test="todos"]');
      for (const line of work) await expect(todos).toContainText(line);
    }
    if (hasJs(info)) await expectAccessible(page);
    // Each line leads where the work is done.
    await page.locator('[data-test="todos"] li a').first().click();
    await expect(page).not.toHaveURL(/\/$/);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  });
}

test('a first visit in English gets English; the chosen language still wins', async ({ browser }, info) => {
  const context = await browser.newContext({ locale: 'en-GB', javaScriptEnabled: hasJs(info) });
  const page = await context.newPage();
  await goto(page, '/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { name: 'The territory in figures' })).toBeVisible();
  // Choosing French (the switcher sets a cookie) wins over the browser's language, on every page.
  await page.locator('.lang-switcher a[lang="fr"]').click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await goto(page, '/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page.getByRole('heading', { name: 'Le territoire en chiffres' })).toBeVisible();
  await context.close();
});
