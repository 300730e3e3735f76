import { Webhook } from 'standardwebhooks';
import { signWebhook } from '@opal/contracts';
import { WebhookSignatureError, WebhookSignatureVerifier } from './webhook-signature.verifier';

const OLD = 'whsec_' + Buffer.from('old-secret-0123456789abcdef').toString('base64');
const NEW = 'whsec_' + Buffer.from('new-secret-0123456789abcdef').toString('base64');
const body = '{"type":"workflow.started","timestamp":"2026-11-26T12:00:00Z","data":{}}';

const headersFor = (secrets: string[], overrides: { timestamp?: Date; body?: string } = {}) =>
  signWebhook({ secrets, deliveryId: 'msg_1', body: overrides.body ?? body, timestamp: overrides.timestamp });

describe(WebhookSignatureVerifier.name, () => {
  describe('verify', () => {
    const verifier = new WebhookSignatureVerifier([OLD, NEW]);

    it('should accept a signature by the old, the new, or both secrets during a rotation', () => {
      const fromOld = verifier.verify(Buffer.from(body), headersFor([OLD]));
      const fromNew = verifier.verify(Buffer.from(body), headersFor([NEW]));
      const fromBoth = verifier.verify(Buffer.from(body), headersFor([OLD, NEW]));

      expect(fromOld.deliveryId).toBe('msg_1');
      expect(fromOld.sourceId).not.toBe(fromNew.sourceId);
      expect(fromBoth.sourceId).toBe(fromOld.sourceId);
    });

    it('should identify a source without exposing its secret', () => {
      const { sourceId } = verifier.verify(Buffer.from(body), headersFor([NEW]));
      expect(sourceId).toMatch(/^[0-9a-f]{12}$/);
      expect(NEW).not.toContain(sourceId);
    });

    it('should reject a secret that is no longer configured', () => {
      const afterRotation = new WebhookSignatureVerifier([NEW]);
      expect(() => afterRotation.verify(Buffer.from(body), headersFor([OLD]))).toThrow('no signature matches any configured secret');
    });

    it('should reject a body that was changed or re-serialized after signing', () => {
      const reserialized = JSON.stringify(JSON.parse(body), null, 2);
      expect(() => verifier.verify(Buffer.from(reserialized), headersFor([OLD]))).toThrow(WebhookSignatureError);
    });

    it('should reject stale and future timestamps beyond five minutes', () => {
      const stale = new Date(Date.now() - 6 * 60_000);
      const future = new Date(Date.now() + 6 * 60_000);
      expect(() => verifier.verify(Buffer.from(body), headersFor([OLD], { timestamp: stale }))).toThrow('timestamp too old');
      expect(() => verifier.verify(Buffer.from(body), headersFor([OLD], { timestamp: future }))).toThrow('timestamp too new');
    });

    it('should accept a timestamp within the tolerance', () => {
      const recent = new Date(Date.now() - 4 * 60_000);
      expect(verifier.verify(Buffer.from(body), headersFor([OLD], { timestamp: recent })).deliveryId).toBe('msg_1');
    });

    it('should name a missing header', () => {
      const unsigned = { ...headersFor([OLD]), 'webhook-signature': undefined };
      expect(() => verifier.verify(Buffer.from(body), unsigned)).toThrow('missing webhook-signature header');
    });

    it('should reject a forged signature and a non-numeric timestamp', () => {
      const forged = { ...headersFor([OLD]), 'webhook-signature': 'v1,' + Buffer.from('x'.repeat(32)).toString('base64') };
      expect(() => verifier.verify(Buffer.from(body), forged)).toThrow('no signature matches');
      expect(() => verifier.verify(Buffer.from(body), { ...headersFor([OLD]), 'webhook-timestamp': 'yesterday' })).toThrow(
        'invalid webhook-timestamp header',
      );
    });

    it('should verify a signed body that is not valid JSON (parsing is a later step)', () => {
      const truncated = body.slice(0, 20);
      expect(verifier.verify(Buffer.from(truncated), headersFor([OLD], { body: truncated })).deliveryId).toBe('msg_1');
    });

    it("should agree with the standardwebhooks package's own verify, case by case", () => {
      const now = new Date();
      const cases: Array<{ name: string; rawBody: Buffer; headers: Record<string, string> }> = [];
      for (const text of [body, '{"type":"x","data":{"name":"Zoë ☃ 𝄞"}}', '', ' '.repeat(3)]) {
        const signed = headersFor([OLD], { body: text, timestamp: now });
        cases.push({ name: `signed ${JSON.stringify(text).slice(0, 20)}`, rawBody: Buffer.from(text), headers: signed });
        cases.push({ name: 'one byte changed', rawBody: Buffer.from(text + 'x'), headers: signed });
        cases.push({ name: 'unknown version first', rawBody: Buffer.from(text), headers: { ...signed, 'webhook-signature': `v2,abc ${signed['webhook-signature']}` } });
        cases.push({ name: 'signature without version', rawBody: Buffer.from(text), headers: { ...signed, 'webhook-signature': signed['webhook-signature'].slice(3) } });
      }
      // Bytes that are not UTF-8: the package signs and verifies the decoded string.
      const binary = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
      cases.push({ name: 'invalid UTF-8', rawBody: binary, headers: headersFor([OLD], { body: binary.toString('utf8'), timestamp: now }) });

      const oracle = new Webhook(OLD);
      const oldOnly = new WebhookSignatureVerifier([OLD]);
      const verdicts = cases.map(({ name, rawBody, headers }) => {
        const ours = (() => {
          try {
            oldOnly.verify(rawBody, headers);
            return true;
          } catch {
            return false;
          }
        })();
        const theirs = (() => {
          try {
            oracle.verify(rawBody.toString('utf8'), headers, { jsonParse: false });
            return true;
          } catch {
            return false;
          }
        })();
        return { name, ours, theirs };
      });

      expect(verdicts.filter((verdict) => verdict.ours !== verdict.theirs)).toEqual([]);
      expect(verdicts.filter((verdict) => verdict.ours).length).toBeGreaterThanOrEqual(9);
    });
  });
});
