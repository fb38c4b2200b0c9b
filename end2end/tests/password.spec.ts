import { expect, test } from '@playwright/test';
import { goto, logIn, logOut, signUp, uniqueEmail } from './helpers';
import { MAIL_URL } from '../playwright.config';

test('a forgotten password is reset with the emailed link', async ({ page, request }, info) => {
  const email = uniqueEmail(info, 'oublieuse');
  await signUp(page, 'Inès Oublieuse (fictive)', email);
  await logOut(page);

  await goto(page, '/mot-de-passe-oublie');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByRole('button', { name: 'Recevoir le lien' }).click();
  await expect(page.getByRole('status')).toContainText('Si un compte existe pour cette adresse');

  let link = '';
  await expect(async () => {
    const messages: { to: string[]; subject: string; text: string }[] = await (await request.get(MAIL_URL)).json();
    const mail = messages.find((m) => m.to.includes(email));
    expect(mail, 'reset email received by the SMTP server').toBeTruthy();
    expect(mail!.subject).toContain('nouveau mot de passe');
    link = mail!.text.match(/http\S+jeton=[0-9a-f]+/)![0];
  }).toPass({ timeout: 10_000 });

  await goto(page, link.replace(/^http:\/\/[^/]+/, ''));
  await page.getByLabel('Nouveau mot de passe').fill('un tout nouveau secret');
  await page.getByLabel('Confirmez le mot de passe').fill('un tout nouveau secret');
  await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await expect(page).toHaveURL(/\/compte/);
  await expect(page.getByRole('status')).toContainText('Votre mot de passe a été changé.');
  await logOut(page);
  await logIn(page, email, 'un tout nouveau secret');

  // The link works once.
  await logOut(page);
  await goto(page, link.replace(/^http:\/\/[^/]+/, ''));
  await page.getByLabel('Nouveau mot de passe').fill('encore un autre secret');
  await page.getByLabel('Confirmez le mot de passe').fill('encore un autre secret');
  await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await expect(page.getByRole('alert').first()).toContainText("Ce lien n'est plus valable");
});
