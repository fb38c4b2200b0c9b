import { expect, Page, test } from '@playwright/test';
import { chooseCpv, DEMO_PASSWORD, expectAccessible, goto, hasJs, logIn, logOut, signUp, uniqueEmail } from './helpers';
import { MAIL_URL } from '../playwright.config';

async function fillPlan(page: Page, title: string, publication: string) {
  await page.getByLabel("Objet de l'achat *").fill(title);
  // Chosen by words: without JavaScript the search sends the form back, the title kept.
  await chooseCpv(page, 'plan-cpv', 'restauration scolaire', 'Services de restauration scolaire 55523100');
  await expect(page.getByLabel("Objet de l'achat *")).toHaveValue(title);
  await page.getByLabel('Montant estimé minimum (€ HT)').fill('200 000');
  await page.getByLabel('Montant estimé maximum (€ HT)').fill('350 000');
  await page.getByLabel('Procédure envisagée *').selectOption({ label: "Appel d'offres ouvert" });
  await page.getByLabel('Publication prévue *').fill(publication);
  await page.getByLabel('Circuit court', { exact: true }).check();
  await page.getByLabel("Heures d'insertion").fill('1500');
  await page.getByLabel('Agriculture biologique (AB)').check();
}

test('a buyer publishes a planned procurement with lots and levers, and a firm finds it', async ({ page, request }, info) => {
  const js = hasJs(info);
  const title = `Restauration scolaire ${js ? 'Bellecour' : 'Terreaux'}`;

  // A firm's user saves a search of the programming with an instant alert.
  const watcher = uniqueEmail(info, 'veille');
  await signUp(page, 'Victor Veille (fictif)', watcher);
  await goto(page, '/programmation?levier=insertion&cpv=55');
  await page.getByText('Créer une alerte pour cette recherche').click();
  await page.getByLabel("Nom de l'alerte *").fill('Cantines avec insertion');
  await page.getByLabel('Un courriel à chaque nouvel achat prévu').check();
  await page.getByRole('button', { name: "Créer l'alerte" }).click();
  await expect(page.getByRole('status')).toContainText('Alerte créée');
  await expect(page.locator('[data-test="saved-searches"]')).toContainText('Cantines avec insertion');
  if (js) await expectAccessible(page);
  await logOut(page);

  await logIn(page, 'acheteuse@demo.passerelle.example', DEMO_PASSWORD);
  await page.locator('[data-test="my-org"]').getByRole('link', { name: 'Programmation' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ma programmation des achats');

  // A date that cannot be read is explained; then the plan is published.
  await fillPlan(page, title, 'bientôt');
  // What a lever is, read in place (with or without JavaScript, by tap or keyboard).
  const explained = page.getByText("un circuit court compte au plus un intermédiaire");
  await expect(explained).toBeHidden();
  await page.getByLabel("C'est quoi ? Circuit court", { exact: true }).click();
  await expect(explained).toBeVisible();
  await expect(page.getByRole('link', { name: 'Base juridique et détails' })).toHaveAttribute('href', '/programmation/guide#short_chain');
  await page.getByRole('button', { name: "Publier l'achat prévu" }).click();
  await expect(page.getByLabel('Publication prévue *')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('Date non reconnue')).toBeVisible();
  await fillPlan(page, title, 'T2 2027');
  await page.getByRole('button', { name: "Publier l'achat prévu" }).click();
  await expect(page.getByRole('status')).toContainText('Achat prévu publié');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);

  for (const lot of ['Repas des écoles', 'Fruits et légumes bio']) {
    await page.getByLabel('Intitulé du lot *').fill(lot);
    await page.getByRole('button', { name: 'Ajouter un lot' }).click();
    await expect(page.getByRole('status')).toHaveText('Lot ajouté.');
  }
  await expect(page.locator('[data-test="edit-lots"] li')).toHaveCount(2);

  // A lot's CPV codes are chosen by words: "menuiserie", never 45421000 typed. Without
  // JavaScript the search sends the form back to the page, what was typed still in it.
  await page.getByLabel('Intitulé du lot *').fill('Menuiseries des écoles');
  await chooseCpv(page, 'lot-cpv', 'menuiserie', 'Travaux de menuiserie 45421000');
  if (!js) await expect(page.getByLabel('Intitulé du lot *')).toHaveValue('Menuiseries des écoles');
  if (js) await expectAccessible(page);
  await page.getByRole('button', { name: 'Ajouter un lot' }).click();
  await expect(page.getByRole('status')).toHaveText('Lot ajouté.');
  await expect(page.locator('[data-test="edit-lots"] li')).toHaveCount(3);
  await expect(page.locator('[data-test="edit-lots"] li').last()).toContainText('45421000');
  if (js) await expectAccessible(page);
  await logOut(page);

  // The alert email reaches the SMTP server, and the notification centre lists it.
  await expect(async () => {
    const messages: { to: string[]; subject: string; text: string }[] = await (await request.get(MAIL_URL)).json();
    const mail = messages.find((m) => m.to.includes(watcher) && m.subject.includes(title));
    expect(mail, 'alert email received by the SMTP server').toBeTruthy();
    expect(mail!.text).toContain('Cantines avec insertion');
  }).toPass({ timeout: 10_000 });
  await logIn(page, watcher);
  await goto(page, '/compte/alertes');
  await expect(page.locator('[data-test="notifications"]')).toContainText(title);
  await page.getByRole('button', { name: 'Tout marquer comme lu' }).click();
  await expect(page.getByRole('status')).toHaveText('Notifications marquées comme lues.');
  await logOut(page);

  // A firm filters the programming by lever and quarter, then reads the plan.
  await goto(page, '/programmation');
  await page.getByLabel('Levier').selectOption({ label: "Clause d'insertion" });
  await page.getByLabel('Publication prévue').selectOption({ label: '2027 T2' });
  await page.getByRole('button', { name: 'Rechercher' }).click();
  await expect(page).toHaveURL(/levier=insertion/);
  const row = page.locator('[data-test="plan-row"]').filter({ hasText: title });
  await expect(row).toHaveCount(1);
  await expect(row.getByRole('link', { name: 'Circuit court' })).toBeVisible();
  if (js) await expectAccessible(page);
  await page.getByRole('link', { name: 'Calendrier par trimestre' }).click();
  await expect(page.getByRole('heading', { name: /2027 T2/ })).toBeVisible();
  await page.locator('[data-test="plan-row"]').filter({ hasText: title }).getByRole('link', { name: title }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.locator('[data-test="plan-lots"] li')).toHaveCount(3);
  await expect(page.locator('[data-test="plan-levers"]')).toContainText(/Clause d'insertion : Clause d'exécution \(heures réservées\) · 1\s500\sh/);
  if (js) await expectAccessible(page);
  const plan = page.url();
  await page.getByRole('link', { name: "Clause d'insertion" }).click();
  await expect(page).toHaveURL(/\/programmation\/guide#insertion$/);
  await expect(page.getByRole('heading', { name: "Clause d'insertion" })).toBeVisible();

  // A firm signals its interest for a lot; the buyer sees it.
  await logIn(page, 'menuisier@demo.passerelle.example', DEMO_PASSWORD);
  await goto(page, plan);
  await page.getByLabel('Pour', { exact: true }).selectOption({ label: 'Lot 2 — Fruits et légumes bio' });
  await page.getByLabel("Message à l'acheteur (facultatif)").fill('Nous livrons les cantines depuis 2012.');
  await page.getByRole('button', { name: 'Signaler notre intérêt' }).click();
  await expect(page.getByRole('status')).toContainText('Intérêt signalé');
  await expect(page.locator('[data-test="my-interests"]')).toContainText('Lot 2');
  if (js) await expectAccessible(page);
  await logOut(page);
  await logIn(page, 'acheteuse@demo.passerelle.example', DEMO_PASSWORD);
  await goto(page, plan.replace('/programmation/', '/compte/achats/'));
  const firm = page.locator('[data-test="interested"] li').filter({ hasText: 'depuis 2012' });
  await expect(firm).toHaveCount(1);
  await expect(page.getByRole('link', { name: 'Télécharger la liste (CSV)' })).toBeVisible();
});
