// Server notifications, written the way Twilio's Node tutorials of the twilio 3.x days wrote them: CommonJS,
// credentials from the environment, administrators in a JSON file, and an error handler that texts each of
// them when a request fails. Nothing here knows about Switchboard: it is started with
// `node --require switchboard/register app.js`, as an existing app would be.

const http = require('http');
const twilio = require('twilio');
const administrators = require('./administrators.json');

const client = twilio(process.env.TWILIO_ACCOUNT_SID, process.env.TWILIO_AUTH_TOKEN);

function notifyAdministrators(err) {
  const body = `[This is a test] ALERT! It appears the server is having issues. Exception: ${err.message}`;
  return Promise.all(
    administrators.map((admin) => client.messages.create({ to: admin.phoneNumber, from: process.env.TWILIO_NUMBER, body }).then((message) => message.sid)),
  );
}

function handle(req, res) {
  if (req.url === '/error') throw new Error('Something went wrong in the order service');
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end('Everything is fine.');
}

const server = http.createServer((req, res) => {
  try {
    handle(req, res);
  } catch (err) {
    notifyAdministrators(err).then(
      (sids) => {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: err.message, notified: sids }));
      },
      (sendError) => {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(`could not notify: ${sendError.message}`);
      },
    );
  }
});

server.listen(Number(process.env.PORT || 3000), '127.0.0.1', () => {
  console.log(`listening on ${server.address().port}`);
});
