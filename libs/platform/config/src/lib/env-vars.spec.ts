import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pemFileVar, webhookSecretsVar } from './env-vars';

describe(webhookSecretsVar.name, () => {
  const secret = 'whsec_' + Buffer.from('env-vars-spec-secret-0123456789').toString('base64');

  it('should split comma-separated secrets and drop blanks', () => {
    expect(webhookSecretsVar().parse(` ${secret}, ,${secret}`)).toEqual([secret, secret]);
  });

  it('should refuse a secret that is not whsec_ with at least 16 base64 characters', () => {
    expect(webhookSecretsVar().safeParse('whsec_short').success).toBe(false);
    expect(webhookSecretsVar().safeParse(`${secret},plain-secret`).success).toBe(false);
  });
});

describe(pemFileVar.name, () => {
  const BUNDLE = [
    '-----BEGIN CERTIFICATE-----\nMIIBroot-ca-one\n-----END CERTIFICATE-----',
    '-----BEGIN CERTIFICATE-----\nMIIBroot-ca-two\n-----END CERTIFICATE-----',
    '',
  ].join('\n');
  let dir: string;
  const file = (name: string, text: string) => {
    const target = path.join(dir, name);
    writeFileSync(target, text);
    return target;
  };
  const messagesOf = (value: string) => pemFileVar().safeParse(value).error?.issues.map((issue) => issue.message);

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pem-file-var-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("should parse to the file's text, every certificate of a bundle included", () => {
    expect(pemFileVar().parse(file('ca.pem', BUNDLE))).toBe(BUNDLE);
  });

  it('should refuse a missing file, saying why without repeating the path', () => {
    expect(messagesOf(path.join(dir, 'absent.pem'))).toEqual([
      'expected a readable PEM file with a CERTIFICATE (ENOENT: no such file or directory)',
    ]);
  });

  it('should refuse a directory', () => {
    expect(messagesOf(dir)).toEqual(['expected a readable PEM file with a CERTIFICATE (EISDIR: illegal operation on a directory)']);
  });

  it('should refuse a file without a certificate, never quoting its contents', () => {
    const key = file('key.pem', '-----BEGIN PRIVATE KEY-----\nMIIEvQ-do-not-echo\n-----END PRIVATE KEY-----\n');
    const messages = messagesOf(key);

    expect(messages).toEqual(['expected a readable PEM file with a CERTIFICATE (no -----BEGIN CERTIFICATE----- block)']);
    expect(messages?.join()).not.toContain('do-not-echo');
  });

  it('should refuse a certificate that never ends', () => {
    expect(pemFileVar().safeParse(file('cut.pem', '-----BEGIN CERTIFICATE-----\nMIIBcut-short\n')).success).toBe(false);
  });
});
