// npm run bench:http-client [-- --requests 20000 --concurrency 64 --rounds 3]
// What one webhook POST costs the sending process with each HTTP client Node offers: node:http with a
// keep-alive agent, undici's dispatcher (what webhooks/http.ts uses) and fetch. The receiving server is a
// child process, so only the client's CPU is counted. Loopback only; bounded by request count. Prints
// CPU per request (user + system of this process, GC included) and requests/s, each client in turn per round.
import { fork } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Agent } from 'undici';
import { flag } from './lib.js';

const REQUESTS = Number(flag('requests', '20000'));
const CONCURRENCY = Number(flag('concurrency', '64'));
const ROUNDS = Number(flag('rounds', '3'));

// A status callback's shape: form body and the headers Switchboard sends.
const body =
  'ApiVersion=2010-04-01&AccountSid=AC00000000000000000000000000000000&MessageSid=SM00000000000000000000000000000000&MessageStatus=delivered&From=%2B14155550100&To=%2B447700900123&SmsSid=SM00000000000000000000000000000000&SmsStatus=delivered';
const headers = {
  'User-Agent': 'TwilioProxy/1.1',
  'X-Twilio-Signature': 'bm90IGEgcmVhbCBzaWduYXR1cmUgYXQgYWxs',
  'I-Twilio-Idempotency-Token': '00000000-0000-4000-8000-000000000000',
  Accept: '*/*',
  'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
};

function serve(): void {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
  });
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as AddressInfo).port));
}

async function main(): Promise<void> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: process.execArgv });
  const port = await new Promise<number>((resolve) => child.once('message', (m) => resolve(Number(m))));
  const url = `http://127.0.0.1:${port}/status`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY, maxFreeSockets: CONCURRENCY });
  const pool = new Agent({ connections: CONCURRENCY });
  const clients: [string, () => Promise<string>][] = [
    [
      'node:http',
      () =>
        new Promise<string>((resolve, reject) => {
          const req = http.request(url, { method: 'POST', headers: { ...headers, 'Content-Length': Buffer.byteLength(body) }, agent }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
          });
          req.on('error', reject);
          req.end(body);
        }),
    ],
    [
      'undici',
      async () => {
        const res = await pool.request({ origin: `http://127.0.0.1:${port}`, path: '/status', method: 'POST', headers, body });
        return await res.body.text();
      },
    ],
    ['fetch', async () => await (await fetch(url, { method: 'POST', headers, body })).text()],
  ];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [name, send] of clients) {
        const cpu = process.cpuUsage();
        const started = performance.now();
        let next = 0;
        const lane = async () => {
          while (next < REQUESTS) {
            next++;
            await send();
          }
        };
        await Promise.all(Array.from({ length: CONCURRENCY }, lane));
        const used = process.cpuUsage(cpu);
        const seconds = (performance.now() - started) / 1000;
        console.log(
          `round ${round} ${name.padEnd(9)} ${((used.user + used.system) / REQUESTS).toFixed(1).padStart(6)} us CPU / request, ${(REQUESTS / seconds).toFixed(0)} requests/s`,
        );
      }
    }
  } finally {
    child.kill();
    agent.destroy();
    await pool.close();
  }
}

if (process.argv.includes('--serve')) serve();
else await main();
