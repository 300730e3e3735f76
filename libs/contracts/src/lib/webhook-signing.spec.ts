import { Webhook } from 'standardwebhooks';
import { signWebhook, webhookSignature, webhookSigningKey } from './webhook-signing';

const SECRET = 'whsec_' + Buffer.from('contracts-signing-secret-0123456789').toString('base64');
const OTHER = 'whsec_' + Buffer.from('contracts-other-secret-0123456789').toString('base64');

describe(signWebhook.name, () => {
  it('should sign exactly what the standardwebhooks package signs', () => {
    const timestamp = new Date('2026-11-26T12:00:00Z');
    for (const body of ['{"type":"workflow.started"}', '{"name":"Zoë ☃ 𝄞"}', '']) {
      const headers = signWebhook({ secrets: SECRET, deliveryId: 'msg_1', body, timestamp });

      expect(headers['webhook-signature']).toBe(new Webhook(SECRET).sign('msg_1', timestamp, body));
    }
  });

  it('should produce headers the package verifies, with Unix seconds and the JSON content type', () => {
    const body = '{"type":"agent.completed","data":{}}';
    const headers = signWebhook({ secrets: SECRET, deliveryId: 'msg_2', body });

    expect(headers['webhook-timestamp']).toMatch(/^\d{10}$/);
    expect(headers['content-type']).toBe('application/json');
    expect(() => new Webhook(SECRET).verify(body, headers)).not.toThrow();
  });

  it('should send one space-separated signature per secret during a rotation', () => {
    const headers = signWebhook({ secrets: [SECRET, OTHER], deliveryId: 'msg_3', body: '{}' });

    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(OTHER).verify('{}', headers)).not.toThrow();
  });
});

describe(webhookSigningKey.name, () => {
  it('should read the base64 after the whsec_ prefix, and a bare base64 secret alike', () => {
    const raw = Buffer.from('raw-key-bytes');

    expect(webhookSigningKey(`whsec_${raw.toString('base64')}`)).toEqual(raw);
    expect(webhookSigningKey(raw.toString('base64'))).toEqual(raw);
  });
});

describe(webhookSignature.name, () => {
  it('should sign a Buffer body and its string alike', () => {
    const key = webhookSigningKey(SECRET);

    expect(webhookSignature(key, 'msg_4', 1_795_680_000, Buffer.from('{"a":1}'))).toBe(webhookSignature(key, 'msg_4', 1_795_680_000, '{"a":1}'));
  });
});
