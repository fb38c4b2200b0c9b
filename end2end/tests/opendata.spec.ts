import { expect, test } from '@playwright/test';
import { chooseCpv, DEMO_PASSWORD, expectAccessible, goto, hasJs, logIn, logOut } from './helpers';
import * as fs from 'fs';

test('a reuser finds the downloads and the API from the footer, and the API answers', async ({ page, request }, info) => {
  const js = hasJs(info);
  await goto(page, '/');
  await page.getByRole('contentinfo').getByRole('link', { name: 'Données ouvertes et API' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Données ouvertes et API');
  await expect(page.getByRole('link', { name: 'Description OpenAPI (JSON)' })).toHaveAttribute('href', '/api/v1/openapi.json');
  // Every endpoint of the document is listed, each list with its parameters.
  await expect(page.getByRole('link', { name: '/api/v1/marches', exact: true })).toBeVisible();
  await expect(page.getByText('/api/v1/catalogue/{id}')).toBeVisible();
  await page.getByRole('link', { name: '/api/v1/programmation', exact: true }).locator('xpath=ancestor::li[1]').getByText(/^Paramètres/).click();
  await expect(page.getByRole('rowheader', { name: 'trimestre' })).toBeVisible();
  if (js) await expectAccessible(page);

  // The list the page links to answers in JSON, page by page.
  const res = await request.get('/api/v1/marches?tri=montant-desc');
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body.total).toBeGreaterThan(25);
  expect(body.data).toHaveLength(25);
  expect(body.next).toContain('page=2');
  expect(body.data[0].amount_eur).toBeGreaterThanOrEqual(body.data[1].amount_eur);
  const typo = await request.get('/api/v1/marches?anee=2024');
  expect(typo.status()).toBe(400);
  expect((await typo.json()).error.parameter).toBe('anee');
});

test('the programming downloads as CSV and as OCDS with its filters', async ({ page }, info) => {
  const js = hasJs(info);
  const title = `Entretien des espaces verts ${js ? 'Gerland' : 'Parilly'}`;
  // A buyer publishes a planned procurement.
  await logIn(page, 'acheteuse@demo.passerelle.example', DEMO_PASSWORD);
  await page.locator('[data-test="my-org"]').getByRole('link', { name: 'Programmation' }).click();
  await page.getByLabel("Objet de l'achat *").fill(title);
  await chooseCpv(page, 'plan-cpv', 'entretien espaces verts', "Réalisation et entretien d'espaces verts 77310000");
  await page.getByLabel('Montant estimé minimum (€ HT)').fill('80 000');
  await page.getByLabel('Montant estimé maximum (€ HT)').fill('120 000');
  await page.getByLabel('Procédure envisagée *').selectOption({ label: "Appel d'offres ouvert" });
  await page.getByLabel('Publication prévue *').fill('T3 2027');
  await page.getByRole('button', { name: "Publier l'achat prévu" }).click();
  await expect(page.getByRole('status')).toContainText('Achat prévu publié');
  await logOut(page);

  // Anyone downloads the programming, filtered as the page is.
  await goto(page, '/programmation?cpv=77');
  const shown = await page.locator('[data-test="result-count"]').textContent();
  const count = parseInt(shown!.replace(/\D/g, ''), 10);
  expect(count).toBeGreaterThan(0);
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Télécharger la liste (CSV)' }).click();
  const csv = await download;
  expect(csv.suggestedFilename()).toBe('programmation.csv');
  const text = fs.readFileSync(await csv.path(), 'utf8').replace(/^\uFEFF/, '');
  const lines = text.trim().split('\n');
  expect(lines[0]).toContain('Intitulé,Acheteur');
  expect(text).toContain(`${title},`);
  expect(text).toContain('T3 2027');
  // One record per procurement shown (each begins with its identifier).
  expect(lines.filter((l) => /^\d+,/.test(l)).length).toBe(count);

  const ocds = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Télécharger au format OCDS 1.1 (JSON)' }).click();
  const file = await ocds;
  const pkg = JSON.parse(fs.readFileSync(await file.path(), 'utf8'));
  expect(pkg.version).toBe('1.1');
  expect(pkg.releases).toHaveLength(count);
  const mine = pkg.releases.find((r: { tender: { title: string } }) => r.tender.title === title);
  expect(mine.ocid).toMatch(/^ocds-passerelle-programmation-\d+$/);
  expect(mine.tag).toEqual(['planning']);
  expect(mine.tender.value.amount).toBe(120000);
  if (js) await expectAccessible(page);
});
