// Loaded with `--import` into a child process: every attempt to open a socket is recorded in
// the file named by NETWORK_ATTEMPTS_FILE and then fails, so a test can prove a run stayed
// offline.
import { appendFileSync } from 'node:fs';
import net from 'node:net';

const attempts = process.env['NETWORK_ATTEMPTS_FILE'];

net.Socket.prototype.connect = function connect(...args: unknown[]): never {
  if (attempts) appendFileSync(attempts, `${JSON.stringify(args[0] ?? null)}\n`);
  throw new Error('network access is forbidden in this process');
};
