/** The chat-completions adapter against a local fake endpoint (no network beyond loopback). */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChatCompletionsPolicy, LlmReplyError, macroFromReply } from '../client/llmAgent.js';
import { parseObservationText, sustainableHarvester } from '../client/textAgent.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

async function fakeEndpoint(handler: Handler): Promise<{ url: string; server: Server; requests: { headers: IncomingMessage['headers']; body: any }[] }> {
  const requests: { headers: IncomingMessage['headers']; body: any }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: body ? JSON.parse(body) : null });
      handler(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, server, requests };
}

const reply = (res: ServerResponse, content: string): void => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content } }] }));
};

const OBS = 'Tick 3 of episode 0 in commons_harvest__open. You are player_0.\nYou are at (2, 3) facing N. Ready to zap: yes. Frozen: no. Removed: no.\n';

describe('chat-completions adapter', () => {
  const servers: Server[] = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));

  it('posts the observation with the key and model, and turns a fenced JSON reply into a macro', async () => {
    const f = await fakeEndpoint((_req, _b, res) => reply(res, 'I will go.\n```json\n{"macro": "move_to", "x": 4, "y": 5}\n```'));
    servers.push(f.server);
    const llm = new ChatCompletionsPolicy({ url: f.url, apiKey: 'k-123', model: 'tiny' });
    assert.deepEqual(await llm.decide(OBS), { macro: 'move_to', x: 4, y: 5 });
    assert.equal(f.requests[0].headers.authorization, 'Bearer k-123');
    assert.equal(f.requests[0].body.model, 'tiny');
    assert.equal(f.requests[0].body.messages[1].content, OBS);
  });

  it('retries a 503 and a timeout, then succeeds', async () => {
    let n = 0;
    const f = await fakeEndpoint((_req, _b, res) => {
      n++;
      if (n === 1) {
        res.writeHead(503);
        res.end('busy');
      } else if (n === 2) {
        setTimeout(() => reply(res, '{"macro":"stay"}'), 300); // after the client's timeout
      } else reply(res, '{"macro":"explore","ticks":4}');
    });
    servers.push(f.server);
    const llm = new ChatCompletionsPolicy({ url: f.url, model: 'm', timeoutMs: 100, retries: 2, backoffMs: 10 });
    assert.deepEqual(await llm.decide(OBS), { macro: 'explore', ticks: 4 });
    assert.equal(n, 3);
  });

  it('fails at once on a 401, and after the retries on repeated timeouts, with coded errors', async () => {
    const f = await fakeEndpoint((_req, _b, res) => {
      res.writeHead(401);
      res.end('{"error":"bad key"}');
    });
    servers.push(f.server);
    await assert.rejects(new ChatCompletionsPolicy({ url: f.url, model: 'm', retries: 3, backoffMs: 1 }).decide(OBS), (e: LlmReplyError) => e.code === 'HTTP_ERROR');
    assert.equal(f.requests.length, 1, 'a 401 is not retried');
    const slow = await fakeEndpoint(() => {});
    servers.push(slow.server);
    await assert.rejects(new ChatCompletionsPolicy({ url: slow.url, model: 'm', timeoutMs: 400, retries: 1, backoffMs: 1 }).decide(OBS), (e: LlmReplyError) => e.code === 'TIMEOUT');
    assert.equal(slow.requests.length, 2);
  });

  it('reports an unparseable reply with UNPARSEABLE_REPLY and the reply text', async () => {
    const f = await fakeEndpoint((_req, _b, res) => reply(res, 'I think I should wait and see.'));
    servers.push(f.server);
    await assert.rejects(new ChatCompletionsPolicy({ url: f.url, model: 'm' }).decide(OBS), (e: LlmReplyError) => {
      assert.equal(e.code, 'UNPARSEABLE_REPLY');
      assert.equal(e.reply, 'I think I should wait and see.');
      return true;
    });
  });

  it('finds the macro object among prose and other JSON', () => {
    assert.deepEqual(macroFromReply('plan: {"note": 1} then {"macro":"zap","target":"player_2"} done'), { macro: 'zap', target: 'player_2' });
    assert.equal(macroFromReply('{"macro": 3}'), null);
    assert.equal(macroFromReply('{broken'), null);
  });
});

describe('scripted text agent', () => {
  const obs = (apples: [number, number][]): string =>
    OBS + 'In view (9 ahead, 1 behind, 5 left, 5 right):\n' + apples.map(([x, y]) => `- apple at (${x}, ${y}): here\n`).join('') + '- player_3 at (1, 1) facing E: 2 ahead, 1 left\n';

  it('reads its position, the apples and the players from the text', () => {
    const o = parseObservationText(obs([[4, 4]]));
    assert.deepEqual([o.x, o.y, o.facing, o.agent, o.tick], [2, 3, 'N', 'player_0', 3]);
    assert.deepEqual(o.apples, [{ x: 4, y: 4 }]);
    assert.deepEqual(o.players, [{ agent: 'player_3', x: 1, y: 1, facing: 'E' }]);
  });

  it('eats only apples with two others near them, nearest first; waits by a thin patch; explores when it sees none', () => {
    assert.deepEqual(sustainableHarvester(obs([[9, 9], [9, 10], [10, 9], [3, 3]])), { macro: 'move_to', x: 9, y: 9 });
    assert.deepEqual(sustainableHarvester(obs([[3, 3], [3, 4]])), { macro: 'stay', ticks: 5 });
    assert.deepEqual(sustainableHarvester(obs([])), { macro: 'explore', ticks: 8 });
  });
});
