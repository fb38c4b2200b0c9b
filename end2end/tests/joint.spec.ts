import { expect, type Page, test } from '@playwright/test';
import { asAdmin, createOrganisation, DEMO_PASSWORD, expectAccessible, goto, hasJs, logIn, logOut, signUp, uniqueEmail } from './helpers';

// Issue 24, "done when": the Ville de Lyon opens a planned procurement to other buyers; Irigny,
// verified in the test, joins lot 2 with 12 000 € and its communes; Lyon accepts; a firm reads
// "2 acheteurs, estimation totale …" on the public page; a join after the last day gets a French
// message and changes nothing. Each project opens its own plan of Lyon (js and nojs share a
// database; the phone has its own).

const LYON = 'acheteuse@demo.passerelle.example';
const FIRM = 'menuisier@demo.passerelle.example';

/** A date input's value, `days` from today. */
function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** The public page of Lyon's plan whose title starts so, from its programming. */
async function lyonPlan(page: Page, title: string): Promise<string> {
  await page.locator('[data-test="my-org"]').getByRole('link', { name: 'Programmation' }).first().click();
  const link = page.getByRole('link', { name: title });
  const href = await link.first().getAttribute('href');
  expect(href).toMatch(/^\/programmation\/\d+$/);
  return href!;
}

test('Lyon opens a groupement de commandes, Irigny joins lot 2, a firm reads the totals', async ({ page }, info) => {
  const js = hasJs(info);
  const irignyName = `Commune d'Irigny (${info.project.name})`;
  const siret = js ? '21690100000036' : '21690100000044';
  const title = js ? 'Nettoyage des bâtiments administratifs en journée' : 'Remplacement des menuiseries extérieures de six groupes scolaires';

  // Irigny's buyer registers; an administrator verifies the commune.
  const irigny = uniqueEmail(info, 'mairie-irigny');
  await signUp(page, 'Irène Irigny (fictive)', irigny);
  await createOrganisation(page, { kind: 'Acheteur public', siret, name: irignyName });
  await logOut(page);
  await asAdmin(page);
  await goto(page, '/admin');
  await page.locator('[data-test="pending-org"]', { hasText: irignyName }).getByRole('button', { name: `Vérifier ${irignyName}` }).click();
  await expect(page.getByRole('status')).toHaveText('Organisation vérifiée.');
  await page.context().clearCookies();

  // Lyon opens its plan to the other buyers: a convention and a last day to join.
  await logIn(page, LYON, DEMO_PASSWORD);
  const plan = await lyonPlan(page, title);
  await goto(page, plan);
  const joint = page.locator('[data-test="joint"]');
  await expect(joint.getByRole('heading', { name: 'Groupement de commandes' })).toBeVisible();
  await joint.getByLabel('Ce que dira la convention').fill("Lyon mène l'appel d'offres ; chaque membre paie ses bons de commande.");
  await joint.getByLabel('Date limite pour rejoindre *').fill(inDays(20));
  if (js) await expectAccessible(page);
  await joint.getByRole('button', { name: 'Ouvrir aux autres acheteurs' }).click();
  await expect(page.getByRole('status')).toContainText('Le groupement de commandes est ouvert');
  await expect(page.locator('[data-test="joint-state"]')).toContainText('Ouvert aux autres acheteurs jusqu');
  await expect(page.locator('[data-test="joint-totals"]')).toHaveText(/^1 acheteur, estimation totale/);
  await logOut(page);

  // Irigny asks to join lot 2 with 12 000 € and its communes.
  await logIn(page, irigny);
  await goto(page, plan);
  const lot2 = page.getByRole('group', { name: /^Lot 2 / });
  await lot2.getByLabel('Votre estimation (€ HT)').fill('12 000');
  await lot2.getByLabel('Vos quantités (facultatif)').fill('2 écoles, 1 800 m²');
  await page.getByRole(js ? 'combobox' : 'textbox', { name: 'Communes livrées ou concernées' }).fill('Irigny');
  if (js) await page.keyboard.press('Escape');
  await page.getByLabel('Contact pour le coordonnateur').fill('Service achats, 04 00 00 00 00');
  await page.getByLabel('Note au coordonnateur (facultatif)').fill('Note interne : budget voté en mars');
  if (js) await expectAccessible(page);
  await page.getByRole('button', { name: 'Demander à rejoindre' }).click();
  await expect(page.getByRole('status')).toContainText('Demande envoyée');
  await expect(page.locator('[data-test="joint-mine"]')).toContainText('En attente de décision');
  await logOut(page);

  // Lyon reads the request, with Irigny's note, and accepts it.
  await logIn(page, LYON, DEMO_PASSWORD);
  await goto(page, plan);
  const request = page.locator('[data-test="joint-request"]', { hasText: irignyName });
  await expect(request).toContainText('Lot 2 : 12');
  await expect(request).toContainText('Note interne : budget voté en mars');
  if (js) await expectAccessible(page);
  await request.getByRole('button', { name: 'Accepter' }).click();
  await expect(page.getByRole('status')).toContainText('Demande acceptée');
  await logOut(page);

  // A firm reads two buyers and the total estimate — never Irigny's note.
  await logIn(page, FIRM, DEMO_PASSWORD);
  await goto(page, plan);
  await expect(page.locator('[data-test="joint-totals"]')).toHaveText(/^2 acheteurs, estimation totale [\d\s]+\s€ HT$/);
  await expect(page.locator('[data-test="joint-members"]')).toContainText(irignyName);
  await expect(page.locator('[data-test="joint-members"]')).toContainText('Irigny');
  await expect(page.getByText('Note interne')).toHaveCount(0);
  if (js) await expectAccessible(page);
  // The programming's list says it too, and finds it among the groupements still open.
  await goto(page, '/programmation?groupement=ouvert');
  await expect(page.locator('[data-test="plan-row"]', { hasText: title }).locator('[data-test="plan-joint"]')).toContainText('2 acheteurs');
  await logOut(page);
});

test('a buyer coming after the last day is told so in French, and nothing changes', async ({ page }, info) => {
  const js = hasJs(info);
  const name = `Commune de Vernaison (${info.project.name})`;
  const siret = js ? '21690100000051' : '21690100000069';
  const email = uniqueEmail(info, 'mairie-vernaison');
  await signUp(page, 'Victor Vernaison (fictif)', email);
  await createOrganisation(page, { kind: 'Acheteur public', siret, name });
  await logOut(page);
  await asAdmin(page);
  await goto(page, '/admin');
  await page.locator('[data-test="pending-org"]', { hasText: name }).getByRole('button', { name: `Vérifier ${name}` }).click();
  await expect(page.getByRole('status')).toHaveText('Organisation vérifiée.');
  await page.context().clearCookies();

  // The groupements still open: the Métropole's school supplies, which two communes joined.
  await logIn(page, email);
  await goto(page, '/programmation');
  await page.locator('[data-test="joint-list-link"]').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Groupements de commandes ouverts');
  const supplies = page.locator('[data-test="plan-row"]', { hasText: 'Fournitures scolaires des collèges' });
  await expect(supplies.locator('[data-test="plan-joint"]')).toContainText('3 acheteurs');
  await expect(supplies.locator('[data-test="joint-served"]')).toContainText('Chabanière');
  await expect(page.locator('[data-test="plan-row"]', { hasText: 'Fourniture de fruits et légumes' })).toHaveCount(0);
  if (js) await expectAccessible(page);

  // Lyon's fruit and vegetables: formed with two kitchens, its last day past.
  await goto(page, '/programmation?etat=sourcing');
  await page.getByRole('link', { name: 'Fourniture de fruits et légumes frais pour les cuisines centrales' }).click();
  await expect(page.locator('[data-test="joint-state"]')).toContainText('Les adhésions sont closes depuis le');
  await expect(page.locator('[data-test="joint-closed"]')).toContainText('Les adhésions à ce groupement sont closes : la date limite était le');
  await expect(page.getByRole('button', { name: 'Demander à rejoindre' })).toHaveCount(0);
  const totals = await page.locator('[data-test="joint-totals"]').textContent();
  expect(totals).toMatch(/^3 acheteurs/);
  if (js) await expectAccessible(page);

  // Sent anyway (a page left open since before the last day): refused, with the day.
  const planId = new URL(page.url()).pathname.split('/').pop()!;
  const view = await (await page.request.get(`/api/plans/joint?plan_id=${planId}`)).json();
  const [orgId] = view.may_ask[0];
  const [lotId] = view.lots[0];
  const res = await page.request.post('/api/plans/joint/ask', {
    form: { plan_id: planId, org_id: String(orgId), [`amount[${lotId}]`]: '5000', communes: 'Vernaison', contact: 'Secrétariat' },
  });
  expect(res.status()).toBe(422);
  expect(await res.text()).toContain('joint.deadline_passed');
  await page.reload();
  await expect(page.locator('[data-test="joint-totals"]')).toHaveText(totals!);
});

// The members' side: Vaulx-en-Velin's kitchen, a member of Lyon's fruit and vegetables, reads
// the firms' answers to the call as the coordinator does (and may not manage it); in Lyon's
// awarded LED lighting, everyone reads the contract Sainte-Foy linked, and Vaulx is offered to
// link its own.
test('a member reads the sourcing answers and is offered to link its own contract once awarded', async ({ page }, info) => {
  const js = hasJs(info);
  await logIn(page, 'cuisine@demo.passerelle.example', DEMO_PASSWORD);
  await goto(page, '/programmation?etat=sourcing');
  await page.getByRole('link', { name: 'Fourniture de fruits et légumes frais pour les cuisines centrales' }).click();
  await expect(page.locator('[data-test="joint"]')).toContainText('Vous êtes membre de ce groupement');
  await expect(page.getByRole('heading', { name: 'Entreprises intéressées' })).toBeVisible();
  if (js) await expectAccessible(page);
  await page.locator('[data-test="plan-sourcing"]').getByRole('link').first().click();
  await expect(page.locator('[data-test="call-status"]')).toBeVisible();
  await expect(page.locator('[data-test="responses"] li').first()).toBeVisible();
  await expect(page.getByRole('link', { name: 'Gérer cet appel' })).toHaveCount(0);
  if (js) await expectAccessible(page);
  const call = new URL(page.url()).pathname;
  await logOut(page);

  // A firm reads neither the answers nor the members' space.
  await logIn(page, FIRM, DEMO_PASSWORD);
  await goto(page, call);
  await expect(page.locator('[data-test="call-status"]')).toBeVisible();
  await expect(page.locator('[data-test="responses"]')).toHaveCount(0);
  await goto(page, '/programmation?etat=awarded');
  await page.getByRole('link', { name: 'Éclairage public LED des voies communales' }).click();
  const members = page.locator('[data-test="joint-members"]');
  await expect(members.locator('li', { hasText: 'Sainte-Foy' }).getByRole('link', { name: /notifié le/ })).toBeVisible();
  await expect(page.locator('[data-test="joint-contract"]')).toHaveCount(0);
  await expect(page.getByRole('heading', { name: /^Votre marché/ })).toHaveCount(0);
  await logOut(page);

  // Vaulx, a member too, is offered to link its own contract (none of its imported ones is
  // recent enough in the demo: it is told why).
  await logIn(page, 'cuisine@demo.passerelle.example', DEMO_PASSWORD);
  await goto(page, '/programmation?etat=awarded');
  await page.getByRole('link', { name: 'Éclairage public LED des voies communales' }).click();
  await expect(page.getByRole('heading', { name: /^Votre marché — Ville de Vaulx-en-Velin/ })).toBeVisible();
  await expect(page.locator('[data-test="joint"]')).toContainText('Aucun marché importé de votre organisation ne correspond encore');
  if (js) await expectAccessible(page);
});
