import { expect, test, type Page } from '@playwright/test';
import { MAIL_URL } from '../playwright.config';
import { DEMO_PASSWORD, expectAccessible, goto, hasJs, logIn, logOut, ready } from './helpers';

// Issue 23, "done when": a school kitchen asks for 200 kg of carrots delivered to Vaulx-en-Velin
// in week 12, organic preferred; the demo market gardener, who grows carrots in March and
// delivers there, gets the email and answers from its link; the joinery and the farm that does
// not deliver there get nothing; the kitchen compares and awards; the respondent is told.

const COOK = 'cuisine@demo.passerelle.example';
const GARDENER = 'maraichere@demo.passerelle.example';
const FAR_FARM = 'ferme-dombes@demo.passerelle.example';
const JOINER = 'menuisier@demo.passerelle.example';

type Mail = { to: string[]; subject: string; text: string };

async function mails(page: Page): Promise<Mail[]> {
  return (await page.request.get(MAIL_URL)).json();
}

/** "2027-03-22": a day as a date input takes it. */
function iso(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The Monday of ISO week `week` of `year` (noon UTC, away from any day boundary). */
function mondayOfWeek(year: number, week: number): Date {
  const jan4 = new Date(Date.UTC(year, 0, 4, 12));
  const monday1 = new Date(jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86_400_000);
  return new Date(monday1.getTime() + (week - 1) * 7 * 86_400_000);
}

/** Week 12 of the next year whose week 11 is still ahead: delivery Monday to Friday, answers by
 * the Friday before. */
function week12(): { from: string; to: string; deadline: string } {
  const now = new Date();
  let year = now.getUTCFullYear();
  if (mondayOfWeek(year, 11).getTime() <= now.getTime()) year += 1;
  const monday = mondayOfWeek(year, 12);
  return {
    from: iso(monday),
    to: iso(new Date(monday.getTime() + 4 * 86_400_000)),
    deadline: iso(new Date(monday.getTime() - 3 * 86_400_000)),
  };
}

test('a kitchen asks for carrots, the market gardener answers from the email, the kitchen awards', async ({ page }, info) => {
  const js = hasJs(info);
  const title = `Carottes pour le collège (${info.project.name} ${Date.now()})`;
  const { from, to, deadline } = week12();

  // The kitchen's buyer asks.
  await logIn(page, COOK, DEMO_PASSWORD);
  await goto(page, '/demandes-de-devis');
  await page.getByRole('link', { name: 'Nouvelle demande de devis' }).click();
  await ready(page);
  await page.getByLabel('Objet *').fill(title);
  const product = page.getByRole(js ? 'combobox' : 'textbox', { name: 'Produit 1', exact: true });
  await product.fill('carottes');
  if (js) {
    // Chosen among the suggestions, by its words.
    await page.getByRole('option', { name: /^Carottes 03221112/ }).click();
    await expect(product).toHaveValue('Carottes (03221112)');
  }
  await page.getByLabel('Quantité du produit 1').fill('200');
  await page.getByLabel('Unité du produit 1').selectOption({ label: 'kg' });
  await page.getByRole(js ? 'combobox' : 'textbox', { name: 'Commune de livraison' }).fill('Vaulx-en-Velin');
  await page.getByLabel('Premier jour de livraison').fill(from);
  await page.getByLabel('Dernier jour de livraison').fill(to);
  await page.getByLabel('Qualité souhaitée').selectOption({ label: 'Bio de préférence' });
  await page.getByLabel('Date limite des réponses').fill(deadline);
  await page.getByLabel('Heure limite des réponses').fill('12:00');
  if (js) await expectAccessible(page);
  await page.getByRole('button', { name: 'Envoyer la demande' }).click();
  await expect(page.getByRole('status')).toContainText('Demande envoyée');
  await ready(page);
  const quoteUrl = new URL(page.url()).pathname;
  expect(quoteUrl).toMatch(/^\/demandes-de-devis\/\d+$/);
  await expect(page.locator('[data-test="quote-lines"]')).toContainText('Carottes (03221112)');
  await expect(page.locator('[data-test="quote-lines"]')).toContainText('200 kg');
  // Who was told: the gardener; neither the farm of the Dombes (it delivers the Ain) nor the joinery.
  const invited = page.locator('[data-test="invited"]');
  await expect(invited).toContainText('Les Jardins du Val (fictifs)');
  await expect(invited).not.toContainText('Ferme des Dombes');
  await expect(invited).not.toContainText('Menuiserie des Monts');
  if (js) await expectAccessible(page);

  // The gardener's email, read from the SMTP server, links to the consultation; nobody else's.
  await expect.poll(async () => (await mails(page)).filter((m) => m.to.includes(GARDENER) && m.subject.includes(title)).length).toBe(1);
  const mail = (await mails(page)).find((m) => m.to.includes(GARDENER) && m.subject.includes(title))!;
  expect(mail.text).toContain(quoteUrl);
  expect(mail.text).toContain('200 kg');
  const others = (await mails(page)).filter((m) => m.subject.includes(title) && (m.to.includes(FAR_FARM) || m.to.includes(JOINER)));
  expect(others).toEqual([]);
  await logOut(page);

  // From the email's link: sign in, and back to the consultation to answer in one step.
  await goto(page, quoteUrl);
  await page.getByRole('main').getByRole('link', { name: 'Se connecter' }).click();
  await ready(page);
  await page.getByLabel('Adresse e-mail').fill(GARDENER);
  await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page).toHaveURL(new RegExp(`${quoteUrl}$`));
  await ready(page);
  const answer = page.locator('#repondre');
  await answer.getByLabel('Prix (€ par kg)').fill('1,20');
  await answer.getByLabel('Quantité proposée (kg)').fill('200');
  await answer.getByLabel(/^Agriculture biologique \(AB\)/).check();
  if (js) await expectAccessible(page);
  await answer.getByRole('button', { name: 'Envoyer ma réponse' }).click();
  await expect(page.getByRole('status')).toContainText('Votre réponse est enregistrée');
  await expect(page.locator('[data-test="own-answers"]')).toContainText('1,20');
  await logOut(page);

  // The kitchen closes early, compares and awards the 200 kg.
  await logIn(page, COOK, DEMO_PASSWORD);
  await goto(page, quoteUrl);
  await page.getByRole('button', { name: 'Clore les réponses maintenant' }).click();
  await expect(page.getByRole('status')).toContainText('Réponses closes');
  await ready(page);
  const compare = page.locator('[data-test^="compare-"]');
  await expect(compare).toContainText('Les Jardins du Val (fictifs)');
  await expect(compare).toContainText('1,20 € / kg');
  await expect(compare).toContainText('Compte comme produit biologique');
  if (js) await expectAccessible(page);
  // More than asked is refused, in words, and awards nothing.
  await page.getByLabel('Quantité attribuée — Les Jardins du Val (fictifs)').fill('250');
  await page.getByRole('button', { name: 'Attribuer' }).click();
  await expect(page.locator('[data-test="award-refused"]')).toBeVisible();
  await ready(page);
  await page.getByLabel('Quantité attribuée — Les Jardins du Val (fictifs)').fill('200');
  await page.getByRole('button', { name: 'Attribuer' }).click();
  await expect(page.getByRole('status')).toContainText('Demande attribuée');
  await expect(page.locator('[data-test="quote-stage"]')).toHaveText('Attribuée');
  await expect(page.locator('[data-test="awards"]')).toContainText('Compte comme produit biologique');
  await expect(page.locator('[data-test="award-total"]')).toContainText('240');

  // The respondent is told.
  await expect.poll(async () => (await mails(page)).some((m) => m.to.includes(GARDENER) && m.subject.includes(`Devis retenu : ${title}`))).toBe(true);

  // The kitchen's EGalim panel counts the purchase as organic, and says how it computes.
  await goto(page, '/compte');
  await page.getByRole('link', { name: 'Tableau EGalim' }).first().click();
  await ready(page);
  const counted = page.locator('[data-test="egalim-awards"] li', { hasText: title });
  await expect(counted).toContainText('240');
  await expect(counted).toContainText('Compte comme produit biologique');
  await page.getByText('Comment ces parts sont calculées').click();
  await expect(page.locator('[data-test="egalim-computation"]')).toContainText('Part bio');
  await expect(page.locator('[data-test="egalim-total"]')).toBeVisible();
  if (js) await expectAccessible(page);
});

test('a market gardener short of the quantity forms a producers\' grouping from the consultation', async ({ page }, info) => {
  const js = hasJs(info);
  await logIn(page, GARDENER, DEMO_PASSWORD);
  await goto(page, '/demandes-de-devis');
  await page.getByRole('link', { name: 'Légumes de saison pour les cantines de Vaulx-en-Velin' }).click();
  await ready(page);
  const panel = page.locator('[data-test="groupings"]');
  await expect(panel.getByRole('heading', { name: 'Répondre à plusieurs producteurs' })).toBeVisible();
  // The other producers the consultation was sent to, by name, to tick.
  const partners = panel.getByRole('group', { name: 'Producteurs à qui la demande a aussi été envoyée' });
  const first = partners.getByRole('checkbox').first();
  await expect(first).toBeVisible();
  const partner = (await partners.locator('label').first().textContent())!.trim();
  expect(partner).not.toContain('Jardins du Val');
  if (js) await expectAccessible(page);
  await first.check();
  await panel.getByRole('button', { name: 'Former le groupement' }).click();
  // The grouping's page: led by the gardens, the partner invited, tied to the consultation.
  await expect(page).toHaveURL(/\/compte\/groupements\/\d+\?ok=created$/);
  await ready(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Producteurs associés — Légumes de saison pour les cantines de Vaulx-en-Velin');
  await expect(page.getByRole('main').getByRole('link', { name: 'Légumes de saison pour les cantines de Vaulx-en-Velin' })).toBeVisible();
  await expect(page.locator('[data-test="consortium-members"]')).toContainText(partner);
  if (js) await expectAccessible(page);
  // Back on the consultation: the grouping is listed, waiting for the partner.
  await page.getByRole('main').getByRole('link', { name: 'Légumes de saison pour les cantines de Vaulx-en-Velin' }).click();
  await ready(page);
  await expect(page.locator('[data-test="my-groupings"]')).toContainText(`${partner} (en attente d'acceptation)`);
  // Until the partner accepts, the answer form offers no grouping to answer for.
  await expect(page.locator('#repondre').getByLabel('Répondre au nom de')).toHaveCount(0);
});
