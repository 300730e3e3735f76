import { webhookSecretsVar } from './env-vars';

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
