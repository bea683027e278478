// A tiny local webhook receiver for the simulator's delivery tests: records every POST it gets and
// answers as the test says (status, delay).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookEvent } from '../../simulator';

export interface Received {
  headers: Record<string, string | string[] | undefined>;
  event: WebhookEvent;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** How the next POSTs are answered (default 200 at once). */
  answer: (n: number) => { status: number; delayMs?: number };
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const receiver = { received, answer: (_n: number) => ({ status: 200 }) as { status: number; delayMs?: number } } as Receiver;
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, event: JSON.parse(text) as WebhookEvent });
      const { status, delayMs = 0 } = receiver.answer(received.length);
      setTimeout(() => {
        if (!res.destroyed) res.writeHead(status).end();
      }, delayMs).unref();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/procore-events`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}
