// A real SMTP server for the end-to-end tests (nodemailer's smtp-server): it receives what
// Passerelle sends and lists the messages over HTTP, GET /messages, for the tests to read.
// Usage: node mail-sink.mjs SMTP_PORT HTTP_PORT
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import http from 'node:http';

const [smtpPort, httpPort] = process.argv.slice(2).map(Number);
const messages = [];

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  onData(stream, session, callback) {
    simpleParser(stream)
      .then((mail) => {
        messages.push({
          to: mail.to ? mail.to.value.map((a) => a.address) : [],
          from: mail.from ? mail.from.text : '',
          subject: mail.subject || '',
          text: mail.text || '',
        });
        callback();
      })
      .catch(callback);
  },
});
smtp.listen(smtpPort, '127.0.0.1');

http
  .createServer((req, res) => {
    if (req.url === '/messages') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(messages));
    } else {
      res.writeHead(404);
      res.end();
    }
  })
  .listen(httpPort, '127.0.0.1', () => console.log(`mail sink: smtp ${smtpPort}, http ${httpPort}`));
